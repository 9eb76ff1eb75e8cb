"""Email backends: SMTP (STARTTLS, SSL or plain) and an outbox of .eml files (default)."""

from __future__ import annotations

import smtplib
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path


@dataclass
class Message:
    to: str
    subject: str
    text: str
    html: str
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)  # (filename, MIME type, bytes)


def build(message: Message, sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.to
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip(">") or "localhost")
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    for filename, mimetype, data in message.attachments:
        maintype, _, subtype = mimetype.split(";")[0].strip().partition("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return mail


class OutboxBackend:
    """Writes each message as an .eml file into a folder (the instance outbox)."""

    def __init__(self, folder: str | Path, sender: str):
        self.folder, self.sender = Path(folder), sender

    def send(self, message: Message) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{datetime.now():%Y%m%d-%H%M%S-%f}-{uuid.uuid4().hex[:8]}.eml"
        tmp = self.folder / f".{name}.tmp"
        tmp.write_bytes(bytes(build(message, self.sender)))
        tmp.rename(self.folder / name)  # a reader never sees half a file


class SmtpBackend:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        security: str = "starttls",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 20,
    ):
        if security not in ("starttls", "ssl", "none"):
            raise ValueError("MAIL_SECURITY must be starttls, ssl or none")
        self.host, self.port, self.sender, self.security = host, port, sender, security
        self.username, self.password, self.timeout = username, password, timeout

    def send(self, message: Message) -> None:
        context = ssl.create_default_context()
        if self.security == "ssl":
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            if self.security == "starttls":
                client.starttls(context=context)
            if self.username:
                client.login(self.username, self.password or "")
            client.send_message(build(message, self.sender))


def backend_for(config: dict, instance_path: str):
    sender = config["MAIL_SENDER"]
    if config["MAIL_BACKEND"] == "smtp":
        return SmtpBackend(
            config["MAIL_HOST"],
            int(config["MAIL_PORT"]),
            sender,
            config["MAIL_SECURITY"],
            config.get("MAIL_USERNAME"),
            config.get("MAIL_PASSWORD"),
        )
    return OutboxBackend(config.get("MAIL_OUTBOX_DIR") or Path(instance_path) / "outbox", sender)


def outbox_listing(folder: str | Path) -> list[dict]:
    """The messages in an outbox folder, oldest first: file, date, to, subject."""
    from email import policy
    from email.parser import BytesParser

    rows = []
    for path in sorted(Path(folder).glob("*.eml")):
        with path.open("rb") as fh:
            mail = BytesParser(policy=policy.default).parse(fh, headersonly=True)
        rows.append({"file": path.name, "date": mail["Date"], "to": mail["To"], "subject": mail["Subject"]})
    return rows
