"""Raw RFC 822 bytes -> ParsedMessage, by job: headers, charsets, the MIME reader (HTML to text is threads'
splitting, shared with the thread page). Pure functions over bytes and str; no database."""

from mailsync.mime.message import ParsedAttachment, ParsedMessage
from mailsync.mime.reader import identity, parse_headers, parse_message, safe_filename

__all__ = ["ParsedAttachment", "ParsedMessage", "identity", "parse_headers", "parse_message", "safe_filename"]
