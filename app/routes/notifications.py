"""Notification pages for staff: failed messages with a resend, and (provincial admin)
the message templates per event and channel."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from app.accounts.roles import Role
from app.notifications import admin
from app.notifications import templates as saved
from app.notifications.logic import (
    CHANNEL_LABELS,
    EVENT_LABELS,
    PLACEHOLDERS,
    SMS_LIMIT,
    Channel,
    Event,
    default_template,
)
from app.web.auth import requires_roles, requires_staff
from app.web.forms import FormErrors, read_form


def _slot(event: str, channel: str) -> tuple[Event, Channel]:
    try:
        return Event(event), Channel(channel)
    except ValueError:
        raise NotFoundException("Không có mẫu thông báo này.") from None


class FailedMessagesController(Controller):
    path = "/quan-tri/thong-bao"
    guards = [requires_staff]

    @get("/", name="notifications.failed")
    async def failed(self, request: Request) -> Template:
        only_permanent = request.query_params.get("loai") == "vinh-vien"
        rows, total = await admin.failed_messages(request.user, only_permanent=only_permanent)
        resent = request.query_params.get("da_gui_lai", "")
        return Template("notifications/failed.html", context={
            "rows": rows, "total": total, "only_permanent": only_permanent,
            "resent": resent if resent.isdigit() else ""})

    @post("/{message_id:int}/gui-lai", name="notifications.resend")
    async def resend(self, request: Request, message_id: FromPath[int]) -> Redirect:
        if not await admin.resend(message_id, request.user):
            raise NotFoundException("Không tìm thấy tin nhắn lỗi này trong phạm vi của bạn.")
        return Redirect(f"{request.app.route_reverse('notifications.failed')}"
                        f"?da_gui_lai={message_id}")


class TemplateAdminController(Controller):
    path = "/quan-tri/mau-thong-bao"
    guards = [requires_roles(Role.PROVINCIAL_ADMIN)]

    @get("/", name="notifications.templates")
    async def index(self, request: Request) -> Template:
        slots = []
        for event in Event:
            for channel in Channel:
                custom = await saved.saved_template(event, channel)
                text = custom or default_template(event, channel)
                slots.append({"event": event.value, "channel": channel.value,
                              "event_label": EVENT_LABELS[event],
                              "channel_label": CHANNEL_LABELS[channel],
                              "body": text.body, "custom": custom is not None})
        return Template("notifications/templates.html", context={
            "slots": slots, "saved": request.query_params.get("da_luu", "")})

    async def _form(self, event: Event, channel: Channel, values: dict, errors: FormErrors,
                    status_code: int = 200) -> Template:
        return Template("notifications/template_edit.html", status_code=status_code, context={
            "event": event, "channel": channel, "event_label": EVENT_LABELS[event],
            "channel_label": CHANNEL_LABELS[channel], "placeholders": PLACEHOLDERS,
            "values": values, "errors": errors, "sms_limit": SMS_LIMIT,
            "default": default_template(event, channel)})

    @get("/{event:str}/{channel:str}", name="notifications.template_edit")
    async def edit(self, event: FromPath[str], channel: FromPath[str]) -> Template:
        ev, ch = _slot(event, channel)
        text = await saved.saved_template(ev, ch) or default_template(ev, ch)
        return await self._form(ev, ch, {"body": text.body, "subject": text.subject},
                                FormErrors())

    @post("/{event:str}/{channel:str}", name="notifications.template_save")
    async def save(self, request: Request, event: FromPath[str],
                   channel: FromPath[str]) -> Template | Redirect:
        ev, ch = _slot(event, channel)
        data = await read_form(request)
        values = {"body": data.get("body", ""), "subject": data.get("subject", "")}
        if data.get("mac_dinh"):
            await saved.reset_template(ev, ch, request.user.id)
        else:
            problems = await saved.save_template(ev, ch, values["body"], values["subject"],
                                                 request.user.id)
            if problems:
                errors = FormErrors()
                errors.add("body", " ".join(problems))
                return await self._form(ev, ch, values, errors, HTTP_400_BAD_REQUEST)
        return Redirect(f"{request.app.route_reverse('notifications.templates')}"
                        f"?da_luu={ev.value}:{ch.value}")
