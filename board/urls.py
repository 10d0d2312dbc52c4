from django.urls import path

from board import views

app_name = "board"

urlpatterns = [
    path("", views.post_list, name="list"),
    path("nuovo/", views.post_create, name="create"),
    path("anteprima/", views.preview, name="preview"),
    path("segui/", views.follow, name="follow"),
    path("<int:post_id>/", views.post_detail, name="detail"),
    path("<int:post_id>/modifica/", views.post_edit, name="edit"),
    path("<int:post_id>/elimina/", views.post_delete, name="delete"),
    path("<int:post_id>/commenta/", views.comment_create, name="comment"),
    path("<int:post_id>/risolta/", views.mark_answered, name="answered"),
    path("<int:post_id>/segnala/", views.report, name="report"),
    path(
        "<int:post_id>/allegati/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "<int:post_id>/allegati/<int:attachment_id>/rimuovi/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("commenti/<int:comment_id>/modifica/", views.comment_edit, name="comment_edit"),
    path("commenti/<int:comment_id>/elimina/", views.comment_delete, name="comment_delete"),
    path("mentori/", views.mentors, name="mentors"),
    path("mentori/<int:firm_id>/chiedi/", views.mentorship_request, name="mentorship_request"),
    path("affiancamento/", views.mentorship, name="mentorship"),
    path(
        "affiancamento/<int:request_id>/rispondi/",
        views.mentorship_decide,
        name="mentorship_decide",
    ),
    path("affiancamento/profilo/", views.mentor_profile, name="mentor_profile"),
]
