"""The site bucket: writes rendered objects with their Content-Type and Cache-Control; each write says how many."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from portal.site.pages import SiteObject


class SiteBucket:
    def __init__(self, s3, bucket: str):
        self.s3 = s3
        self.bucket = bucket

    def put(self, obj: SiteObject) -> int:
        self._put(obj)
        return 1

    def _put(self, obj: SiteObject) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=obj.key, Body=obj.body, ContentType=obj.content_type,
                           CacheControl=obj.cache_control)

    def put_all(self, objects: list[SiteObject], workers: int = 8) -> int:
        """Writes a batch in parallel; the caller orders batches, so links always point at written objects."""
        if len(objects) <= 2:
            return sum(self.put(obj) for obj in objects)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(self._put, objects))
        return len(objects)

    def delete(self, key: str) -> int:
        self.s3.delete_object(Bucket=self.bucket, Key=key)
        return 1

    def keys(self, prefix: str) -> list[str]:
        """Every key under the prefix (a full build's listing; never on a publish)."""
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return [obj["Key"] for page in pages for obj in page.get("Contents", [])]

    def get(self, key: str) -> dict | None:
        """The object's body and headers, or None when there is none."""
        try:
            resp = self.s3.get_object(Bucket=self.bucket, Key=key)
        except self.s3.exceptions.NoSuchKey:
            return None
        return {"body": resp["Body"].read(), "content_type": resp.get("ContentType", "application/octet-stream"),
                "cache_control": resp.get("CacheControl", "")}
