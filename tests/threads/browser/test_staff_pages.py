"""The staff pages in Chromium: a day's work on a thread, the customer card, hostile mail, screenshots."""

from email import message_from_bytes

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.factories import make_pok, make_staff
from tests.threads.browser.conftest import log_in
from tests.threads.ui.mails import PNG, XSS_HTML, receive
from threads import presence, services
from threads.models import CannedReply, Direction, Status, Thread

pytestmark = pytest.mark.browser
User = get_user_model()


def subjects(page) -> list[str]:
    return page.locator("table.thread-table tbody td.col-subject > a").all_inner_texts()


def test_staff_sort_open_assign_note_reply_and_archive(page, live_server, demo, smtp_server, outside_world):
    log_in(page, live_server, "anna", demo)
    page.get_by_role("button", name="INBOX").first.click()
    expect(page.locator("h1")).to_contain_text("Sklep Gęś – BOK")
    page.locator("th a", has_text="Subject").click()
    page.wait_for_url("**sort=subject**")
    assert subjects(page) == sorted(subjects(page)) and len(subjects(page)) == 3
    page.locator("th a", has_text="Subject").click()
    page.wait_for_url("**sort=-subject**")
    assert subjects(page) == sorted(subjects(page), reverse=True)

    page.get_by_role("link", name="Gdzie jest moja paczka?").click()
    expect(page.locator("h1")).to_contain_text("Gdzie jest moja paczka?")
    thread = Thread.objects.get(subject="Gdzie jest moja paczka?")

    # Assigning swaps the panels in place: the page is not reloaded.
    page.evaluate("window.notReloaded = true")
    page.select_option("#state_owner", label="Demo Admin")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("owner")).to_have_text("Demo Admin")
    expect(page.locator("#history")).to_contain_text("Assigned to Demo Admin")
    assert page.evaluate("window.notReloaded") is True

    page.fill("#id_text", "Dzwoniłam do InPost, paczka jest w drodze.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".msg-note").last).to_contain_text("Dzwoniłam do InPost")

    page.fill("#id_text", "Paczka dotrze jutro, przepraszamy za kłopot.")
    page.set_input_files(
        "#id_files",
        [
            {"name": "etykieta.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 demo"},
            {"name": "zdjęcie.png", "mimeType": "image/png", "buffer": PNG},
        ],
    )
    page.get_by_role("button", name="Reply and archive").click()
    expect(page.locator("#flash")).to_contain_text("the thread is archived")
    expect(page.get_by_test_id("status")).to_have_text("archived")
    expect(page.locator(".msg-out").last).to_contain_text("Paczka dotrze jutro")
    expect(page.get_by_test_id("delivery").last).to_contain_text("sent")

    thread.refresh_from_db()
    assert thread.status == Status.ARCHIVED and thread.owner.username == "demo"
    sent = [message_from_bytes(raw) for _from, to, raw in smtp_server.messages if to == ["jan.kowalski@example.com"]]
    mail = sent[-1]
    assert thread.token in mail["Subject"]
    assert sorted(p.get_filename() for p in mail.walk() if p.get_filename()) == ["etykieta.pdf", "zdjęcie.png"]
    assert not thread.messages.filter(direction=Direction.NOTE, delivery="sent").exists()

    # The sender's customer card, and the carrier's tracking page from it.
    page.locator(".msg-in .sender").first.click()
    expect(page.locator("h1")).to_contain_text("jan.kowalski@example.com")
    link = page.locator("a.tracking-link").first
    href = link.get_attribute("href")
    with page.expect_popup() as popup:
        link.click()
    popup.value.wait_for_load_state()
    assert popup.value.url == href and link.inner_text() in href
    assert href in outside_world


def test_hostile_mail_runs_nothing_and_loads_no_remote_image(page, live_server, transactional_db, outside_world):
    pok = make_pok(name="Shop")
    make_staff("anna", pok)
    message = receive(
        pok,
        html=XSS_HTML.replace("</body>", '<img src="cid:logo@example.com" alt="logo"></body>'),
        inline_images=[("logo@example.com", PNG)],
    )
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, live_server, "anna", "pass-anna")
    page.goto(f"{live_server.url}/t/{message.thread.public_id}/")
    frame_element = page.locator("iframe.mail-frame").first
    frame = frame_element.content_frame
    expect(frame.locator("body")).to_contain_text("please")
    frame.get_by_text("hover").hover()
    frame.get_by_text("Click me").click()
    page.wait_for_timeout(300)

    assert dialogs == []
    assert page.evaluate("window.xssRan") is None
    assert all(f.evaluate("window.xssRan") is None for f in page.frames if f.url == "about:srcdoc")
    assert not [url for url in outside_world if "tracker.example" in url]
    # The message's own inline image is shown (the frame's CSP allows this origin, not the Internet).
    assert frame.locator("img[alt=logo]").evaluate("img => img.complete && img.naturalWidth") == 1

    page.get_by_role("link", name="Show images").click()
    expect(page.get_by_role("link", name="Hide remote images")).to_be_visible()
    page.wait_for_timeout(300)
    assert [url for url in outside_world if "tracker.example" in url]
    assert dialogs == [] and page.evaluate("window.xssRan") is None


def test_screenshots_of_the_main_pages(page, live_server, demo, screenshots):
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "demo", demo)
    page.screenshot(path=screenshots / "overview.png")
    pok = Thread.objects.get(subject="Gdzie jest moja paczka?").pok
    page.goto(f"{live_server.url}/pok/{pok.pk}/inbox/")
    page.screenshot(path=screenshots / "inbox.png")
    thread = Thread.objects.get(subject="Gdzie jest moja paczka?")
    CannedReply.objects.create(name="Paczka w drodze", language="pl", text="Dzień dobry {first_name},")
    presence.touch(thread, User.objects.get(username="anna"), replying=True)
    page.get_by_role("link", name="Gdzie jest moja paczka?").click()
    expect(page.locator("iframe, .mail-text").first).to_be_visible()
    expect(page.locator(".presence-writing")).to_be_visible()
    page.screenshot(path=screenshots / "thread.png")
    me = User.objects.get(username="demo")
    for mine in Thread.objects.exclude(status=Status.ARCHIVED):
        services.assign_owner(mine, owner=me, actor=me)
    page.goto(f"{live_server.url}/mine/")
    page.screenshot(path=screenshots / "my-threads.png")
    page.goto(f"{live_server.url}/pok/{pok.pk}/new/")
    page.screenshot(path=screenshots / "new-thread.png")
    page.goto(f"{live_server.url}/customer/?email=jan.kowalski%40example.com")
    page.screenshot(path=screenshots / "customer-card.png")
    for name in ("overview", "inbox", "thread", "my-threads", "new-thread", "customer-card"):
        assert (screenshots / f"{name}.png").stat().st_size > 10_000
