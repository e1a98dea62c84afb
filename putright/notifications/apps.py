from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "putright.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from putright.cases.models import CaseEvent
        from putright.notifications.signals import on_case_event

        # post_save runs inside the action's transaction (every action is @transaction.atomic),
        # so the outbox row commits or rolls back with the event that caused it. on_commit would
        # lose the message if the process died between the commit and the callback.
        post_save.connect(on_case_event, sender=CaseEvent, dispatch_uid="notifications.case_event")
        from putright.letters.models import Letter
        from putright.notifications.signals import on_letter_saved

        post_save.connect(on_letter_saved, sender=Letter, dispatch_uid="notifications.letter_issued")
