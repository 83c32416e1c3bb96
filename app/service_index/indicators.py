"""The indicators of QĐ 766/QĐ-TTg as data: group, code, name, points, threshold, what is
counted (dossiers, procedures, feedback) and, in Vietnamese, the formula and its source.

Source: /work/shared/reference/766-index.md — the decision's groups and group points, the
national portal's description of each formula. Group points are the law's; how a group's
points are split between its indicators is not published (only 1.2's 4 points are), nor
most thresholds: those defaults are marked `verify` and are configuration
(`MOTCUA_INDEX_CONFIG`, `app.service_index.logic.parse_config`). Pure data, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# (key, Vietnamese name, points fixed by QĐ 766)
GROUPS: tuple[tuple[str, str, int], ...] = (
    ("transparency", "Công khai, minh bạch", 18),
    ("progress", "Tiến độ, kết quả giải quyết", 20),
    ("online", "Cung cấp dịch vụ trực tuyến", 22),
    ("digitisation", "Số hóa hồ sơ", 22),
    ("satisfaction", "Mức độ hài lòng", 18),
)
GROUP_NAMES = {key: name for key, name, _ in GROUPS}
GROUP_POINTS = {key: Decimal(points) for key, _, points in GROUPS}

DOSSIERS, PROCEDURES, FEEDBACK = "dossier", "procedure", "feedback"
UNIT_NAMES = {DOSSIERS: "hồ sơ", PROCEDURES: "thủ tục", FEEDBACK: "phản ánh, kiến nghị"}


@dataclass(frozen=True)
class Indicator:
    key: str
    code: str  # as the decision numbers it: "2.1"
    group: str
    name: str
    points: Decimal
    threshold: Decimal  # percent, 0 < T ≤ 100
    unit: str  # what the numerator and denominator count
    formula: str
    source: str
    verify: str = ""  # what of the defaults is our assumption, shown on the page


def _i(key, code, group, name, points, threshold, unit, formula, source, verify="") -> Indicator:
    return Indicator(key, code, group, name, Decimal(points), Decimal(threshold), unit,
                     formula, source, verify)


SPLIT = "Cách chia điểm trong nhóm chưa được công bố (giả định, cần xác minh)."
NO_T = "Ngưỡng đạt điểm tối đa chưa được công bố: tạm lấy 100% (cần xác minh)."

INDICATORS: tuple[Indicator, ...] = (
    _i("published_on_time", "1.1", "transparency", "TTHC công bố đúng hạn", "5", "100",
       PROCEDURES, "Số TTHC có quyết định công bố ban hành chậm nhất trước ngày văn bản quy "
       "phạm pháp luật có hiệu lực 5 ngày làm việc ÷ số TTHC được công bố (mới, sửa đổi, bãi "
       "bỏ) bằng quyết định ban hành trong kỳ; mỗi TTHC tính một lần trong kỳ.",
       "Quyết định công bố TTHC và ngày hiệu lực của căn cứ pháp lý.", f"{SPLIT} {NO_T}"),
    _i("catalogue_on_time", "1.2", "transparency", "TTHC cập nhật, công khai đúng hạn", "4",
       "100", PROCEDURES, "Số TTHC được công khai trên danh mục trong 5 ngày làm việc kể từ "
       "ngày quyết định công bố ÷ số TTHC phải công khai trong kỳ.",
       "Quyết định công bố và thời điểm công khai trên Cổng Dịch vụ công.", NO_T),
    _i("content_complete", "1.3", "transparency", "TTHC công khai đầy đủ nội dung", "4", "100",
       PROCEDURES, "Số TTHC đang công khai có đủ các bộ phận theo Nghị định 63/2010 Điều 8 "
       "khoản 2 (tên, trình tự, cách thức, thành phần và số lượng hồ sơ, thời hạn, đối tượng, "
       "cơ quan; kết quả và phí khi có) ÷ số TTHC đang công khai.",
       "Nội dung các trang thủ tục đang công khai.", f"{SPLIT} {NO_T}"),
    _i("dossiers_synced", "1.4", "transparency", "Hồ sơ đồng bộ lên Cổng DVCQG", "5", "100",
       DOSSIERS, "Số hồ sơ có ngày tiếp nhận trong kỳ đã đồng bộ lên Cổng Dịch vụ công quốc "
       "gia ÷ số hồ sơ tiếp nhận trong kỳ.", "Nhật ký đồng bộ hồ sơ với Cổng DVCQG.",
       f"{SPLIT} {NO_T}"),
    _i("on_time", "2.1", "progress", "Hồ sơ xử lý trước hạn, đúng hạn", "20", "100", DOSSIERS,
       "Số hồ sơ đã xử lý hoặc đang xử lý trong kỳ còn trong hạn ÷ tổng số hồ sơ tiếp nhận "
       "hoặc xử lý trong kỳ. Thời điểm kết thúc: xử lý xong, trả kết quả, hoặc dừng/từ chối/"
       "rút (hồ sơ đã tiếp nhận); hồ sơ còn đang xử lý tính đến cuối kỳ; đang chờ bổ sung sau "
       "đúng một lần yêu cầu tính đến thời điểm yêu cầu; yêu cầu bổ sung quá một lần là trễ "
       "hạn. Thời gian chờ bổ sung không tính. Đúng hạn khi thời điểm kết thúc không muộn hơn "
       "ngày hẹn trả; hồ sơ có văn bản xin lỗi đã lỡ hẹn lần đầu nên là trễ hạn.",
       "Hồ sơ: ngày tiếp nhận, ngày hẹn trả, ngày xử lý xong, dừng xử lý, số lần và thời gian "
       "yêu cầu bổ sung, văn bản xin lỗi.", "Toàn bộ 20 điểm của nhóm tính cho chỉ số này; "
       f"chỉ số 2.2 chỉ để theo dõi (cần xác minh). {NO_T}"),
    _i("processing_time", "2.2", "progress", "Thời gian giải quyết trung bình", "0", "100",
       PROCEDURES, "Theo từng thủ tục: tổng thời gian giải quyết của các hồ sơ đã xử lý xong "
       "có ngày bắt đầu xử lý trong kỳ ÷ số hồ sơ đó, theo đơn vị thời hạn của thủ tục (giờ, "
       "ngày làm việc, ngày, tháng), không tính thời gian chờ bổ sung. Tỷ lệ bên cạnh: số "
       "thủ tục có thời gian trung bình không vượt thời hạn quy định ÷ số thủ tục có hồ sơ.",
       "Hồ sơ đã xử lý xong, thời hạn và đơn vị thời hạn của thủ tục.",
       "Không tính điểm; 1 tháng quy đổi 30 ngày (cần xác minh)."),
    _i("online_procedures", "3.1", "online", "TTHC cung cấp dịch vụ công trực tuyến", "4", "80",
       PROCEDURES, "Số TTHC cung cấp dịch vụ công trực tuyến (một phần hoặc toàn trình, tính "
       "mức cao nhất) ÷ số TTHC của tỉnh.", "Danh mục TTHC: mức độ dịch vụ công trực tuyến.",
       f"{SPLIT} Chưa có danh sách TTHC đủ điều kiện toàn trình: tính trên mọi TTHC."),
    _i("online_services_used", "3.2", "online", "DVC trực tuyến có phát sinh hồ sơ", "4",
       "100", PROCEDURES, "Số dịch vụ công trực tuyến có ít nhất một hồ sơ nộp trực tuyến "
       "trong kỳ ÷ số dịch vụ công trực tuyến đang cung cấp.",
       "Danh mục TTHC và hồ sơ nộp trực tuyến trong kỳ.", f"{SPLIT} {NO_T}"),
    _i("online_dossiers", "3.3", "online", "Hồ sơ trực tuyến", "6", "50", DOSSIERS,
       "Số hồ sơ tiếp nhận trực tuyến trong kỳ, có kết quả điện tử khi kết quả là giấy tờ ÷ "
       "số hồ sơ tiếp nhận trong kỳ, nhân với tỷ lệ đồng bộ (chỉ số 1.4). Kênh: 1 trực tiếp, "
       "2 trực tuyến, 3 bưu chính công ích.", "Hồ sơ: kênh nộp, kết quả điện tử.",
       f"{SPLIT} Khi chưa tính được chỉ số 1.4, tỷ lệ đồng bộ tạm lấy 100%."),
    _i("payment_procedures", "3.5", "online",
       "TTHC có nghĩa vụ tài chính tích hợp thanh toán trực tuyến", "4", "80", PROCEDURES,
       "Số TTHC có phí, lệ phí có hồ sơ được thanh toán trực tuyến trong kỳ ÷ số TTHC có phí, "
       "lệ phí.", "Danh mục TTHC (phí, lệ phí) và giao dịch thanh toán trực tuyến.", SPLIT),
    _i("paid_online", "3.6", "online", "Hồ sơ thanh toán trực tuyến", "4", "100", DOSSIERS,
       "Số hồ sơ được thanh toán trực tuyến (Cổng DVCQG hoặc cổng thanh toán của tỉnh) có "
       "ngày bắt đầu xử lý trong kỳ ÷ số hồ sơ tiếp nhận trong kỳ của TTHC có phí, lệ phí "
       "khác 0.", "Hồ sơ, danh mục TTHC (phí) và giao dịch thanh toán.", f"{SPLIT} {NO_T}"),
    _i("e_results", "4.1", "digitisation", "Cấp kết quả điện tử", "5", "100", DOSSIERS,
       "Số hồ sơ của TTHC có kết quả là giấy tờ, xử lý xong trong kỳ, có tệp kết quả điện tử "
       "÷ số hồ sơ đó.", "Hồ sơ xử lý xong và tệp kết quả.",
       f"{SPLIT} {NO_T} Chưa có thuộc tính “kết quả là giấy tờ”: coi mọi TTHC có kết quả "
       "là giấy tờ."),
    _i("digitised", "4.2", "digitisation", "Số hóa hồ sơ", "5", "80", DOSSIERS,
       "Số hồ sơ xử lý xong trong kỳ có thành phần được số hóa (có tệp) và có kết quả điện tử "
       "khi kết quả là giấy tờ ÷ số hồ sơ xử lý xong trong kỳ.",
       "Thành phần hồ sơ (tệp), kết quả điện tử.", SPLIT),
    _i("reused", "4.3", "digitisation", "Tái sử dụng dữ liệu số hóa", "4", "80", DOSSIERS,
       "Số hồ sơ tiếp nhận trong kỳ có ít nhất một thành phần lấy lại từ dữ liệu đã số hóa "
       "÷ số hồ sơ tiếp nhận trong kỳ.", "Thành phần hồ sơ lấy từ kho dữ liệu.", SPLIT),
    _i("warehouse_used", "4.4", "digitisation", "Kết nối kho dữ liệu cá nhân", "4", "100",
       DOSSIERS, "Số hồ sơ tiếp nhận trong kỳ có thành phần lấy từ kho dữ liệu cá nhân hoặc "
       "có kết quả điện tử đã đưa vào kho ÷ số hồ sơ tiếp nhận trong kỳ.",
       "Thành phần lấy từ kho, tài liệu kết quả trong kho dữ liệu cá nhân.", f"{SPLIT} {NO_T}"),
    _i("population_data", "4.5", "digitisation", "Khai thác dữ liệu dân cư", "4", "100",
       PROCEDURES, "Số TTHC (đối tượng là công dân) có hồ sơ sử dụng dữ liệu dân cư (tài khoản "
       "đã xác thực với CSDL quốc gia về dân cư) trong kỳ ÷ số TTHC đó; kèm tỷ lệ hồ sơ.",
       "Hồ sơ tiếp nhận trong kỳ và tài khoản người nộp đã xác thực.",
       f"{SPLIT} {NO_T} Chưa có thuộc tính “đối tượng”: tính mọi TTHC không phải nội bộ."),
    _i("feedback_classified", "5.1", "satisfaction", "Phân loại phản ánh, kiến nghị", "4",
       "100", FEEDBACK, "Số phản ánh, kiến nghị được phân loại (phản ánh, kiến nghị) ÷ số "
       "phản ánh, kiến nghị tiếp nhận trong kỳ.", "Phản ánh, kiến nghị.", f"{SPLIT} {NO_T}"),
    _i("feedback_on_time", "5.2", "satisfaction", "Tiến độ xử lý phản ánh, kiến nghị", "4",
       "100", FEEDBACK, "Đúng hạn khi: từ chối trong 2 ngày làm việc kể từ khi tiếp nhận; "
       "đề nghị bổ sung thông tin lần đầu trong 5 ngày làm việc; xử lý trong 15 ngày làm "
       "việc; công khai trong 2 ngày làm việc sau khi xử lý; phản ánh chưa xong tính đến "
       "cuối kỳ. Số đúng hạn ÷ số phản ánh, kiến nghị tiếp nhận trong kỳ.",
       "Phản ánh, kiến nghị và lịch sử xử lý.", f"{SPLIT} {NO_T}"),
    _i("feedback_satisfaction", "5.3", "satisfaction", "Hài lòng trong xử lý phản ánh, "
       "kiến nghị", "4", "100", FEEDBACK, "(Số phản ánh, kiến nghị − số đánh giá không hài "
       "lòng − số trả lời trễ hạn − số bị phản ánh lại về cùng hồ sơ) ÷ số phản ánh, kiến "
       "nghị tiếp nhận lần đầu trong kỳ.", "Phản ánh, kiến nghị, đánh giá của người gửi.",
       f"{SPLIT} {NO_T}"),
    _i("reception_satisfaction", "5.4", "satisfaction",
       "Hài lòng trong tiếp nhận, giải quyết TTHC", "6", "90", DOSSIERS,
       "100% − (tỷ lệ hồ sơ trễ hạn + tỷ lệ hồ sơ bị phản ánh, kiến nghị hoặc đánh giá không "
       "hài lòng), trên các hồ sơ của chỉ số 2.1; hồ sơ vừa trễ hạn vừa bị phản ánh bị trừ "
       "hai lần như công thức.", "Hồ sơ của chỉ số 2.1, phản ánh về hồ sơ, đánh giá.", SPLIT),
)
