"""PRAMERN_S3_* → django-storages' options (pramern/envsettings.s3_storage_options)."""

from __future__ import annotations

import pytest

from pramern.envsettings import s3_storage_options


def test_options_from_the_environment(tmp_path):
    secret = tmp_path / "s3-secret"
    secret.write_text("from-a-mounted-file\n")
    options = s3_storage_options(
        {
            "PRAMERN_S3_BUCKET": " pramern-evidence ",
            "PRAMERN_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "PRAMERN_S3_ACCESS_KEY_ID": "pramern",
            "PRAMERN_S3_SECRET_ACCESS_KEY": "ignored: the file wins",
            "PRAMERN_S3_SECRET_ACCESS_KEY_FILE": str(secret),
            "PRAMERN_S3_TIMEOUT": "3",
        }
    )
    config = options.pop("client_config")
    assert options == {
        "bucket_name": "pramern-evidence",
        "endpoint_url": "http://127.0.0.1:9000",
        "region_name": "us-east-1",
        "access_key": "pramern",
        "secret_key": "from-a-mounted-file",
        "default_acl": None,
        "file_overwrite": False,
        "querystring_auth": True,
        "querystring_expire": 300,
    }
    assert (config.connect_timeout, config.read_timeout) == (3, 18)
    assert config.s3 == {"addressing_style": "path"}


def test_a_cloud_bucket_needs_no_endpoint_or_keys():
    options = s3_storage_options({"PRAMERN_S3_BUCKET": "b", "PRAMERN_S3_REGION": "ap-southeast-1"})
    assert (options["endpoint_url"], options["access_key"], options["secret_key"]) == (None, None, None)
    assert options["region_name"] == "ap-southeast-1"


def test_no_bucket_is_an_error():
    with pytest.raises(RuntimeError, match="PRAMERN_S3_BUCKET is not set"):
        s3_storage_options({})


def test_a_timeout_that_is_not_a_number_is_named():
    with pytest.raises(RuntimeError, match="PRAMERN_S3_TIMEOUT must be a whole number of seconds, not '5s'"):
        s3_storage_options({"PRAMERN_S3_BUCKET": "b", "PRAMERN_S3_TIMEOUT": "5s"})
