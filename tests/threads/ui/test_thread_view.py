"""The thread page (spec 9): messages, safe HTML, files, history, other threads, customers panel."""

import html
import re

from django.urls import reverse

from customers.models import Customer
from tests.factories import make_staff
from tests.threads.ui.mails import BASE_TIME, PNG, XSS_HTML, receive
from threads import services
from threads.models import Attachment, Direction, Message


def frames(page: str) -> list[str]:
    """The documents of the mail iframes, unescaped as the browser reads srcdoc."""
    return [html.unescape(doc) for doc in re.findall(r'srcdoc="([^"]*)"', page)]


def detail(client, thread, **params):
    response = client.get(reverse("threads:detail", args=[thread.public_id]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_messages_in_date_order_with_direction_author_and_internal_notes(anna_client, pok_a, anna):
    first = receive(pok_a, text="First question")
    thread = first.thread
    services.reply(thread, author=anna, text="Our answer")
    services.add_note(thread, author=anna, text="Called the courier")
    page = detail(anna_client, thread)
    assert page.index("First question") < page.index("Our answer") < page.index("Called the courier")
    assert thread.subject in page and thread.token in page
    assert 'class="msg msg-in' in page and 'class="msg msg-out' in page and 'class="msg msg-note' in page
    assert "From the customer" in page and "Internal note · not sent to the customer" in page
    assert "Anna Nowak" in page
    assert f"{reverse('customer_card')}?email=jan%40example.com" in page


def test_customer_own_words_shown_and_quoted_text_folded(anna_client, pok_a):
    text = "Thanks, it arrived.\n\nOn Mon, 2 Mar 2026 at 10:00, Shop <bok@shop-a.example> wrote:\n> Your parcel left today."
    thread = receive(pok_a, text=text).thread
    page = detail(anna_client, thread)
    own, folded = page.split('<details class="quoted">', 1)
    assert "Thanks, it arrived." in own and "Your parcel left today." not in own
    assert "Your parcel left today." in folded.split("</details>")[0]


def test_signature_is_folded_apart_from_the_quote_and_reply_text_is_what_is_shown(anna_client, pok_a):
    text = (
        "It arrived.\n\nSent from my iPhone\n\nOn Mon, 2 Mar 2026 at 10:00, Shop <bok@shop-a.example> wrote:\n> Sent."
    )
    message = receive(pok_a, text=text)
    page = detail(anna_client, message.thread)
    own, signature = page.split('<details class="quoted signature">', 1)
    signature, quoted = signature.split('<details class="quoted">', 1)
    assert "It arrived." in own and "Sent from my iPhone" not in own
    assert "Show signature" in signature and "Sent from my iPhone" in signature
    assert "&gt; Sent." in quoted
    assert message.reply_text == "It arrived."


def test_html_mail_stores_the_text_its_page_shows(anna_client, pok_a):
    body = (
        '<div>Thanks</div><div id="appendonsend"></div><hr><div id="divRplyFwdMsg"><b>From:</b> Shop<br>'
        "<b>Sent:</b> Monday, 2 March 2026 10:00<br><b>Subject:</b> Order</div><div>old text</div>"
    )
    message = receive(pok_a, text="Thanks\n\n___\nFrom: Shop\nSent: Monday\n\nold text", html=body)
    own, quoted = frames(detail(anna_client, message.thread))
    assert "Thanks" in own and "old text" not in own and "old text" in quoted
    assert message.reply_text == "Thanks"


def test_html_quote_is_folded_into_its_own_frame(anna_client, pok_a):
    body = (
        '<div>New words here</div><div class="gmail_quote">On Monday you wrote:<blockquote>old text</blockquote></div>'
    )
    thread = receive(pok_a, html=body).thread
    own, quoted = frames(detail(anna_client, thread))
    assert "New words here" in own and "old text" not in own
    assert "old text" in quoted


def test_mail_html_is_sanitised_and_remote_images_wait_for_a_click(anna_client, pok_a):
    thread = receive(pok_a, html=XSS_HTML).thread
    page = detail(anna_client, thread)
    [document] = frames(page)
    body = document.split("<body>", 1)[1]
    for forbidden in ("<script", "onerror", "onmouseover", "javascript:", "<iframe", "<form", "tracker.example"):
        assert forbidden not in body.lower()
    assert "Hello, <b>please</b> see my order." in body
    assert "default-src 'none'; img-src 'self' data:;" in document
    assert 'sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"' in page
    assert "allow-scripts" not in page
    assert "Show images" in page
    [shown] = frames(detail(anna_client, thread, images="1"))
    assert 'src="http://tracker.example/pixel.gif"' in shown and "<script" not in shown


def test_cid_images_point_to_the_inline_attachment(anna_client, pok_a):
    message = receive(
        pok_a, html='<p>Photo:<img src="cid:photo1@example.com"></p>', inline_images=[("photo1@example.com", PNG)]
    )
    image = Attachment.objects.get(message=message, content_id="photo1@example.com")
    [document] = frames(detail(anna_client, message.thread))
    url = reverse("threads:inline", args=[message.thread.public_id, image.pk])
    assert f'<img src="{url}">' in document
    response = anna_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert response["X-Content-Type-Options"] == "nosniff"


def test_inline_view_refuses_anything_but_raster_images(anna_client, pok_a):
    message = receive(pok_a, attachments=[("page.html", b"<script>alert(1)</script>", "text", "html")])
    attachment = message.attachments.get()
    response = anna_client.get(reverse("threads:inline", args=[message.thread.public_id, attachment.pk]))
    assert response.status_code == 404


def test_attachments_download_as_attachments_with_nosniff(anna_client, pok_a):
    message = receive(pok_a, attachments=[("faktura <1>.html", b"<script>alert(1)</script>", "text", "html")])
    attachment = message.attachments.get()
    page = detail(anna_client, message.thread)
    url = reverse("threads:attachment", args=[message.thread.public_id, attachment.pk])
    assert url in page and "faktura &lt;1&gt;.html" in page
    response = anna_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"


def test_raw_message_downloads_as_eml(anna_client, pok_a):
    message = receive(pok_a, subject="Raw please")
    response = anna_client.get(reverse("threads:raw", args=[message.thread.public_id, message.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{message.thread.public_id}-{message.pk}.eml"'
    assert b"Subject: Raw please" in b"".join(response.streaming_content)


def test_a_note_has_no_raw_message(anna_client, pok_a, anna):
    thread = receive(pok_a).thread
    note = services.add_note(thread, author=anna, text="internal")
    assert anna_client.get(reverse("threads:raw", args=[thread.public_id, note.pk])).status_code == 404


def test_subject_names_and_file_names_are_escaped(anna_client, pok_a):
    message = receive(
        pok_a,
        sender='"<b>Evil</b>" <evil@example.com>',
        subject="<script>alert(1)</script>",
        attachments=[("<img src=x onerror=alert(1)>.txt", b"x", "text", "plain")],
    )
    page = detail(anna_client, message.thread)
    main = page.split("<iframe")[0]
    assert "<script>alert(1)</script>" not in main and "&lt;script&gt;alert(1)&lt;/script&gt;" in main
    assert "<b>Evil</b>" not in page
    assert "<img src=x onerror" not in page


def test_unknown_sender_and_parse_problems_are_marked(anna_client, pok_a):
    thread = receive(pok_a).thread
    Message.objects.filter(thread=thread).update(unknown_sender=True, parse_problem=True, problem_reason="bad charset")
    thread.has_problem = True
    thread.save()
    page = detail(anna_client, thread)
    assert "Unknown sender" in page and "msg-unknown" in page
    assert "Could not be read in full" in page and "bad charset" in page


def test_delivery_state_and_retry_button_on_failed_replies(anna_client, pok_a, anna):
    thread = receive(pok_a).thread
    sent = services.reply(thread, author=anna, text="first")
    failed = services.reply(thread, author=anna, text="second")
    Message.objects.filter(pk=sent.pk).update(delivery="sent")
    Message.objects.filter(pk=failed.pk).update(delivery="failed", last_error="SMTP 127.0.0.1:25: connection refused")
    page = detail(anna_client, thread)
    assert "badge-delivery-sent" in page and "badge-delivery-failed" in page
    assert "connection refused" in page
    assert reverse("threads:retry", args=[thread.public_id, failed.pk]) in page
    assert reverse("threads:retry", args=[thread.public_id, sent.pk]) not in page


def test_history_panel_lists_status_changes_and_assignments_with_actor(anna_client, pok_a, anna):
    thread = receive(pok_a).thread
    piotr = make_staff("piotr", pok_a)
    services.assign_owner(thread, owner=anna, actor=anna)
    services.assign_owner(thread, owner=piotr, actor=anna)
    services.assign_owner(thread, owner=None, actor=anna)
    services.change_status(thread, status="archived", actor=anna)
    history = detail(anna_client, thread).split('id="history"', 1)[1].split("</section>")[0]
    assert "Thread created" in history
    # By name; the login only for someone without a name.
    assert "Assigned to Anna Nowak" in history and "Assigned to anna" not in history
    assert "Assigned to piotr" in history and "Unassigned (was piotr)" in history
    assert "Status: new → archived" in history
    assert '<small class="actor">Anna Nowak</small>' in history


def test_other_threads_of_the_same_email_only_from_visible_poks(anna_client, pok_a, pok_b):
    thread = receive(pok_a, subject="Current").thread
    receive(pok_a, subject="Earlier question")
    receive(pok_b, subject="Secret in another shop")
    others = detail(anna_client, thread).split("other-threads", 1)[1].split("</section>")[0]
    assert "Earlier question" in others and "Secret in another shop" not in others and "Current" not in others


def test_owner_choices_are_only_the_poks_staff(anna_client, pok_a, anna, bob):
    thread = receive(pok_a).thread
    select = detail(anna_client, thread).split('name="owner"', 1)[1].split("</select>")[0]
    assert f'value="{anna.pk}"' in select and f'value="{bob.pk}"' not in select


def test_customers_panel_shows_the_shop_customers_of_the_senders(anna_client, pok_a):
    Customer.objects.create(
        email="jan@example.com", firstname="Jan", lastname="Kowalski-Shop", date_add=BASE_TIME, date_upd=BASE_TIME
    )
    thread = receive(pok_a).thread
    page = detail(anna_client, thread)
    assert "customers-panel" in page and "Kowalski-Shop" in page
    assert "Search BaseLinker" in page


def test_reply_form_has_attachments_and_the_three_buttons(anna_client, pok_a):
    page = detail(anna_client, receive(pok_a).thread)
    form = page.split('class="reply"', 1)[1]
    assert 'enctype="multipart/form-data"' in form and 'type="file"' in form and "multiple" in form
    for label in ("Reply and archive", "Reply and wait", "Add note"):
        assert label in form


def test_messages_of_other_threads_are_not_reachable_through_this_thread(anna_client, pok_a):
    one = receive(pok_a, subject="One", attachments=[("a.txt", b"a", "text", "plain")])
    two = receive(pok_a, subject="Two", sender="other@example.com")
    attachment = one.attachments.get()
    assert anna_client.get(reverse("threads:attachment", args=[two.thread.public_id, attachment.pk])).status_code == 404
    assert anna_client.get(reverse("threads:raw", args=[two.thread.public_id, one.pk])).status_code == 404
    assert one.direction == Direction.INCOMING
