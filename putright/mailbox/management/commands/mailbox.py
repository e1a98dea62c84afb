"""`putright mailbox [--loop] [--every SECONDS]`: read the complaints mailbox."""

import imaplib
import time

from django.core.management.base import BaseCommand, CommandError

from putright.mailbox.fetch import MailboxNotConfigured, run_once


class Command(BaseCommand):
    help = (
        "Read new messages from the complaints mailbox over IMAP: a message naming a case reference "
        "joins that case's correspondence; any other waits in the inbox to log. Safe to stop at any "
        "moment and run again: each message is stored once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep reading, every --every seconds")
        parser.add_argument("--every", type=int, default=60, help="seconds between reads with --loop (default 60)")

    def handle(self, *args, loop, every, **options):
        while True:
            try:
                counts = run_once()
            except MailboxNotConfigured as e:
                raise CommandError(str(e))
            except (OSError, imaplib.IMAP4.error) as e:
                if not loop:
                    raise CommandError(f"Could not read the mailbox: {e}")
                self.stderr.write(f"Could not read the mailbox ({e}); trying again in {every} s.")
            else:
                self.stdout.write(f"{counts['joined']} added to cases, {counts['waiting']} waiting to be logged, {counts['skipped']} skipped.")
            if not loop:
                return
            time.sleep(every)
