from django.urls import path

from . import views

urlpatterns = [
    path("vocabulary/", views.word_bank, name="vocabulary-words"),
    path("vocabulary/add/", views.add_word, name="vocabulary-add"),
    path("vocabulary/quick-add/", views.quick_add, name="vocabulary-quick-add"),
    path("vocabulary/bulk/", views.bulk_edit, name="vocabulary-bulk"),
    path("vocabulary/settings/", views.save_schedule, name="vocabulary-settings"),
    path("vocabulary/review/", views.review, name="vocabulary-review"),
    path("vocabulary/review/postpone/", views.postpone, name="vocabulary-postpone"),
    path("vocabulary/review/advance/", views.advance, name="vocabulary-advance"),
    path("vocabulary/import/", views.import_words, name="vocabulary-import"),
    path("vocabulary/<int:word_id>/", views.edit_word, name="vocabulary-word"),
    path("vocabulary/<int:word_id>/delete/", views.delete_word, name="vocabulary-delete"),
]
