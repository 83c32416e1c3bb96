"""Tables of the Zalo Official Account link: the sandbox's record of replies sent."""

from piccolo.columns import Text, Timestamptz, Varchar
from piccolo.table import Table


class SandboxZaloReply(Table, tablename="sandbox_zalo_reply"):
    """What the sandbox OA API "sent" to a Zalo user: unique per our reference (the
    inbound message id), as the real API would be asked once per message."""

    reference = Varchar(length=120, unique=True)
    user_id = Varchar(length=40, index=True)
    text = Text()
    sent_at = Timestamptz()
