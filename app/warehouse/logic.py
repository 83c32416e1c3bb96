"""Pure rules of the data warehouse: where a document came from, in words."""

from enum import StrEnum


class Source(StrEnum):
    UPLOAD = "upload"
    DIGITISED = "digitised"
    RESULT = "result"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Source.UPLOAD: "Tệp bạn đã tải lên",
    Source.DIGITISED: "Giấy tờ số hóa tại Bộ phận Một cửa",
    Source.RESULT: "Kết quả giải quyết thủ tục",
}
