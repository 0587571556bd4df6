from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Learning progress"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cms.learning import learner_views

        from .website import catalog_context, progress_page

        learner_views.register(
            learner_views.LearnerViews(catalog_context=catalog_context, progress_page=progress_page)
        )
