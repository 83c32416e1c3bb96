"""Paper conversion of an electronic result: recorded (with its audit entry) in one
transaction, then printed with the conversion mark, the converter's name and time and a
verification QR to the public lookup, which shows the result's SHA-256."""

from __future__ import annotations

from app.accounts.service import CurrentUser
from app.audit import service as audit
from app.db import write_transaction
from app.dossiers.tables import DossierResult
from app.files import store
from app.formatting import now_utc
from app.legal_forms.stamp import convertible
from app.legal_forms.tables import ResultConversion
from app.prepared import prepared


class ConversionRefused(ValueError):
    """Nothing to convert; the text is shown to the officer."""


async def result_of(dossier_id: int) -> dict | None:
    return await _result_of(dossier_id=dossier_id)


@prepared
def _result_of(dossier_id):
    return DossierResult.select(
        DossierResult.sha256, DossierResult.issued_at, DossierResult.signed_sha256,
        DossierResult.signed_at, DossierResult.signed_by.full_name.as_alias("signer_name"),
    ).where(DossierResult.dossier == dossier_id).first()


@prepared
def _conversions(dossier_id):
    return ResultConversion.select(
        ResultConversion.converted_at, ResultConversion.converter_name,
        ResultConversion.result_sha256,
    ).where(ResultConversion.dossier == dossier_id).order_by(ResultConversion.id)


def printable_digest(result: dict) -> str:
    """The file printed on paper: the signed file when there is one."""
    return result["signed_sha256"] or result["sha256"]


async def convert(dossier_id: int, user: CurrentUser) -> int:
    """Record a conversion of the dossier's current result by `user`; returns its id."""
    async with write_transaction():
        result = await result_of(dossier_id)
        if result is None:
            raise ConversionRefused("Hồ sơ chưa có kết quả điện tử để chuyển đổi.")
        digest = printable_digest(result)
        if not store.verify(digest):
            raise ConversionRefused("Tệp kết quả không còn nguyên vẹn trong kho lưu trữ; "
                                    "không thể chuyển đổi.")
        if not convertible(store.read(digest)):
            raise ConversionRefused("Tệp kết quả không phải PDF hoặc ảnh (PNG, JPEG) đọc được "
                                    "nên không in được bản chuyển đổi; hãy ban hành lại tệp.")
        row = ResultConversion(dossier=dossier_id, result_sha256=digest,
                               converted_by=user.id, converter_name=user.full_name,
                               converted_at=now_utc())
        await row.save()
        await audit.record("result.converted_to_paper", "dossier", dossier_id,
                           {"conversion_id": row.id, "sha256": digest}, actor_id=user.id)
    return row.id


async def conversion(dossier_id: int, conversion_id: int) -> dict | None:
    return await ResultConversion.select().where(
        (ResultConversion.id == conversion_id) & (ResultConversion.dossier == dossier_id)
    ).first()


async def public_result_facts(dossier_id: int, result: dict | None) -> dict | None:
    """For the public lookup (after its second factor): the SHA-256 of the dossier's
    `result` (its sha256 and signed_sha256, as read with the dossier; None without one)
    and the paper conversions made of it, so whoever holds a paper copy can check it
    against the file."""
    if result is None:
        return None
    conversions = await _conversions(dossier_id=dossier_id)
    return {"sha256": printable_digest(result), "conversions": conversions}
