from django.urls import path

from threads import views

app_name = "threads"

urlpatterns = [
    path("pok/<int:pok_id>/inbox/", views.inbox, name="inbox"),
    path("pok/<int:pok_id>/archive/", views.archive, name="archive"),
    path("pok/<int:pok_id>/spam/", views.spam, name="spam"),
    path("pok/<int:pok_id>/new/", views.new_thread, name="new"),
    path("pok/<int:pok_id>/next/", views.next_thread, name="next"),
    path("new/", views.new_for_customer, name="new_for_customer"),
    path("mine/", views.mine, name="mine"),
    path("mine/signature/", views.my_signature, name="signature"),
    path("bulk/", views.bulk, name="bulk"),
    path("live/", views.live, name="live"),
    path("t/<str:public_id>/", views.detail, name="detail"),
    path("t/<str:public_id>/reply/", views.reply, name="reply"),
    path("t/<str:public_id>/state/", views.change_state, name="state"),
    path("t/<str:public_id>/unread/", views.mark_unread, name="unread"),
    path("t/<str:public_id>/canned/<int:canned_id>/", views.canned_text, name="canned"),
    path("t/<str:public_id>/presence/", views.presence_poll, name="presence"),
    path("t/<str:public_id>/retry/<int:message_id>/", views.retry, name="retry"),
    path("t/<str:public_id>/give-up/<int:message_id>/", views.give_up, name="give_up"),
    path("t/<str:public_id>/spam/", views.mark_spam, name="mark_spam"),
    path("t/<str:public_id>/not-spam/", views.not_spam, name="not_spam"),
    path("t/<str:public_id>/attachment/<int:attachment_id>/", views.attachment, name="attachment"),
    path("t/<str:public_id>/inline/<int:attachment_id>/", views.inline, name="inline"),
    path("t/<str:public_id>/raw/<int:message_id>/", views.raw, name="raw"),
]
