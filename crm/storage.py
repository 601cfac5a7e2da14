"""What a failing file storage raises: OSError from the local disk, botocore's errors from a bucket."""

from botocore.exceptions import BotoCoreError, ClientError

STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)
