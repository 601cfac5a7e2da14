"""How a message's text is split for display: what the customer wrote, the quoted history (spec 12).

Pure functions over str, no database; mailsync stores their result, the thread page shows it.
"""

from threads.splitting.html import split_reply_html
from threads.splitting.html_text import html_to_text
from threads.splitting.text import MARKERS, split_reply

__all__ = ["MARKERS", "html_to_text", "split_reply", "split_reply_html"]
