"""Copy the attachments and raw messages kept on the local disk into the configured storage (a bucket).

Files keep their names, so no row changes. Idempotent: a file already in the storage is skipped (an
S3 upload is all or nothing), so a run stopped half-way is simply run again.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import BaseCommand, CommandError

from threads.models import Attachment, Message

PROGRESS_EVERY = 500


class Command(BaseCommand):
    help = "Copy attachments and raw messages from the local disk (MEDIA_ROOT) into the configured file storage."

    def add_arguments(self, parser):
        parser.add_argument("--source", help="the folder the files are in (default: MEDIA_ROOT)")
        parser.add_argument("--delete", action="store_true", help="remove each local copy once it is in the storage")

    def handle(self, *args, source=None, delete=False, **options):
        source_dir = Path(source or settings.MEDIA_ROOT).resolve()
        self.destination = storages["default"]
        if isinstance(self.destination, FileSystemStorage):
            raise CommandError("The file storage is the local disk: set CRM_S3_BUCKET (README) before moving files")
        if not source_dir.is_dir():
            raise CommandError(f"The source folder {source_dir} does not exist")
        self.counts = {"copied": 0, "already there": 0, "missing on disk": 0, "local copies removed": 0}
        self.source = FileSystemStorage(location=source_dir)
        total = Message.objects.exclude(raw="").count() + Attachment.objects.exclude(file="").count()
        self.stdout.write(f"Moving {total} files from {source_dir} into the bucket")
        done = 0
        for name in _stored_names():
            self._move(name, delete)
            done += 1
            if done % PROGRESS_EVERY == 0:
                self.stdout.write(f"  {done}/{total}: {self._summary()}")
        self.stdout.write(f"Done, {done} files: {self._summary()}")

    def _move(self, name: str, delete: bool) -> None:
        try:
            if self.destination.exists(name):
                self.counts["already there"] += 1
            elif not self.source.exists(name):
                self.counts["missing on disk"] += 1
                self.stderr.write(f"  missing on disk: {name}")
                return
            else:
                self._copy(name)
            if delete and self.source.exists(name):
                self.source.delete(name)
                self.counts["local copies removed"] += 1
        except CommandError:
            raise
        except Exception as error:  # noqa: BLE001 - any storage failure: stop, the next run goes on
            raise CommandError(f"Stopped at {name} ({error}); run the command again to go on") from None

    def _copy(self, name: str) -> None:
        with self.source.open(name, "rb") as local:
            stored = self.destination.save(name, local)
        if stored != name:
            raise CommandError(f"The storage saved {name} as {stored}: stopped, nothing is renamed in the database")
        self.counts["copied"] += 1

    def _summary(self) -> str:
        return ", ".join(f"{label} {count}" for label, count in self.counts.items())


def _stored_names():
    for model, field in ((Message, "raw"), (Attachment, "file")):
        names = model.objects.exclude(**{field: ""}).order_by("pk").values_list(field, flat=True)
        yield from names.iterator(chunk_size=2000)
