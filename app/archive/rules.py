"""Retention rules (thời hạn bảo quản) per field and per procedure: reading them for a file,
and the provincial admin's changes, each audited.

A rule applies to archival files built after it is saved: a file's retention is written
into its description when it is built, and a handed-over package carries it.
"""

from __future__ import annotations

from app.accounts.service import CurrentUser
from app.archive.logic import MAX_RETENTION_YEARS, Retention, Usage, resolve_retention
from app.archive.tables import RetentionRule
from app.audit import service as audit
from app.catalog.tables import Field, Procedure
from app.db import write_transaction
from app.formatting import now_utc


class RuleError(ValueError):
    """A rule that cannot be saved; the text is shown beside the form."""


async def retention_for(procedure_id: int) -> Retention:
    procedure = await Procedure.select(Procedure.field).where(
        Procedure.id == procedure_id).first()
    own = await RetentionRule.select().where(RetentionRule.procedure == procedure_id).first()
    by_field = await RetentionRule.select().where(
        RetentionRule.field == procedure["field"]).first() if procedure else None
    return resolve_retention(own, by_field)


async def all_rules() -> list[dict]:
    return await RetentionRule.select(
        RetentionRule.all_columns(), RetentionRule.field.name.as_alias("field_name"),
        RetentionRule.procedure.name.as_alias("procedure_name"),
        RetentionRule.procedure.code.as_alias("procedure_code"),
        RetentionRule.updated_by.full_name.as_alias("updated_by_name"),
    ).order_by(RetentionRule.field).order_by(RetentionRule.procedure)


def parse_years(text: str, permanent: bool) -> int | None:
    if permanent:
        return None
    if not text.strip().isdigit() or not 1 <= int(text) <= MAX_RETENTION_YEARS:
        raise RuleError(f"Số năm bảo quản phải là số nguyên từ 1 đến {MAX_RETENTION_YEARS}, "
                        "hoặc chọn bảo quản vĩnh viễn.")
    return int(text)


async def _target(field_code: str, procedure_code: str) -> tuple[str, int, str]:
    """("field" | "procedure", id, name) of the rule's subject; exactly one is named."""
    if bool(field_code) == bool(procedure_code):
        raise RuleError("Chọn một lĩnh vực, hoặc nhập mã một thủ tục (không cả hai).")
    if field_code:
        row = await Field.select(Field.id, Field.name).where(Field.code == field_code).first()
        if row is None:
            raise RuleError("Không có lĩnh vực này.")
        return "field", row["id"], row["name"]
    row = await Procedure.select(Procedure.id, Procedure.name).where(
        Procedure.code == procedure_code).first()
    if row is None:
        raise RuleError(f"Không có thủ tục mã {procedure_code}.")
    return "procedure", row["id"], row["name"]


async def save_rule(user: CurrentUser, *, field_code: str, procedure_code: str, years: str,
                    permanent: bool, usage: str, basis: str) -> int:
    kept = parse_years(years, permanent)
    if usage not in set(Usage):
        raise RuleError("Chọn chế độ sử dụng.")
    kind, target_id, name = await _target(field_code.strip(), procedure_code.strip())
    column = RetentionRule.field if kind == "field" else RetentionRule.procedure
    values = {RetentionRule.years: kept, RetentionRule.usage: usage,
              RetentionRule.basis: basis.strip()[:300], RetentionRule.updated_at: now_utc(),
              RetentionRule.updated_by: user.id}
    async with write_transaction():
        existing = await RetentionRule.select(RetentionRule.id).where(column == target_id).first()
        if existing is None:
            row = RetentionRule(_data={column: target_id, **values})
            await row.save()
            rule_id = row.id
        else:
            rule_id = existing["id"]
            await RetentionRule.update(values).where(RetentionRule.id == rule_id)
        await audit.record("archive.retention_rule_saved", "archive_retention_rule", rule_id,
                           {kind: name, "years": kept, "usage": usage}, actor_id=user.id)
    return rule_id


async def delete_rule(user: CurrentUser, rule_id: int) -> bool:
    async with write_transaction():
        row = await RetentionRule.select().where(RetentionRule.id == rule_id).first()
        if row is None:
            return False
        await RetentionRule.delete().where(RetentionRule.id == rule_id)
        await audit.record("archive.retention_rule_deleted", "archive_retention_rule", rule_id,
                           {"field": row["field"], "procedure": row["procedure"],
                            "years": row["years"]}, actor_id=user.id)
    return True
