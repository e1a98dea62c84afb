from email.message import EmailMessage


def email(subject: str, body: str, *, sender="Rita Patel <rita@example.org>", attachments=(), message_id=None) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "complaints@riverside.example"
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    message.set_content(body)
    for name, content_type, content in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return bytes(message)
