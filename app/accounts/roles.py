"""Roles and what they may see. Pure: no I/O."""

from enum import StrEnum


class Role(StrEnum):
    CITIZEN = "citizen"
    ORGANISATION = "organisation"
    COUNTER_OFFICER = "counter_officer"
    HANDLER = "handler"
    LEADER = "leader"
    AGENCY_ADMIN = "agency_admin"
    PROVINCIAL_ADMIN = "provincial_admin"
    POSTAL_STAFF = "postal_staff"
    AUDITOR = "auditor"
    # The agency archive (lưu trữ cơ quan): receives hand-over packages, holds files.
    ARCHIVIST = "archivist"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def is_staff(self) -> bool:
        return self not in APPLICANT_ROLES

    @property
    def sees_whole_province(self) -> bool:
        """Provincial admins and auditors are not scoped to agencies."""
        return self in PROVINCE_WIDE_ROLES


ROLE_LABELS = {
    Role.CITIZEN: "Công dân",
    Role.ORGANISATION: "Đại diện tổ chức, doanh nghiệp",
    Role.COUNTER_OFFICER: "Công chức Bộ phận Một cửa",
    Role.HANDLER: "Chuyên viên thụ lý",
    Role.LEADER: "Lãnh đạo",
    Role.AGENCY_ADMIN: "Quản trị cơ quan",
    Role.PROVINCIAL_ADMIN: "Quản trị cấp tỉnh",
    Role.POSTAL_STAFF: "Nhân viên bưu chính công ích",
    Role.AUDITOR: "Thanh tra, kiểm tra",
    Role.ARCHIVIST: "Cán bộ lưu trữ cơ quan",
}

class Position(StrEnum):
    """A leader's position (chức vụ), which decides the process steps they may act at:
    a unit leader reviews, an agency leader or the Chairman signs. Kept beside the role
    rather than as more roles, so scope and screens stay the same for every leader."""

    NONE = ""
    UNIT_LEADER = "unit_leader"
    AGENCY_LEADER = "agency_leader"
    CHAIRMAN = "chairman"

    @property
    def label(self) -> str:
        return POSITION_LABELS[self]


POSITION_LABELS = {
    Position.NONE: "",
    Position.UNIT_LEADER: "Lãnh đạo phòng, đơn vị",
    Position.AGENCY_LEADER: "Lãnh đạo cơ quan",
    Position.CHAIRMAN: "Chủ tịch, Phó Chủ tịch UBND",
}

APPLICANT_ROLES = frozenset({Role.CITIZEN, Role.ORGANISATION})
STAFF_ROLES = frozenset(Role) - APPLICANT_ROLES
PROVINCE_WIDE_ROLES = frozenset({Role.PROVINCIAL_ADMIN, Role.AUDITOR})
