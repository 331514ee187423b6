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

    def put_streamed(self, key: str, chunks, content_type: str, cache_control: str,
                     part_bytes: int = 8 * 1024 * 1024) -> int:
        """Writes one object from an iterable of byte strings without holding it whole: a multipart upload of
        ``part_bytes`` parts (S3 wants 5 MB at least, but the last), or one PUT when it is smaller. Readers see the
        old object until the new one is complete. Returns the bytes written."""
        buffer, parts, upload, total = bytearray(), [], None, 0
        try:
            for chunk in chunks:
                buffer += chunk
                if len(buffer) >= part_bytes:
                    if upload is None:
                        upload = self.s3.create_multipart_upload(Bucket=self.bucket, Key=key, ContentType=content_type,
                                                                 CacheControl=cache_control)["UploadId"]
                    parts.append(self._part(key, upload, len(parts) + 1, bytes(buffer)))
                    total += len(buffer)
                    buffer.clear()
            if upload is None:
                self.s3.put_object(Bucket=self.bucket, Key=key, Body=bytes(buffer), ContentType=content_type,
                                   CacheControl=cache_control)
                return len(buffer)
            if buffer:
                parts.append(self._part(key, upload, len(parts) + 1, bytes(buffer)))
                total += len(buffer)
            self.s3.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload,
                                              MultipartUpload={"Parts": parts})
            return total
        except BaseException:
            if upload is not None:
                self.s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload)
            raise

    def _part(self, key: str, upload: str, number: int, body: bytes) -> dict:
        etag = self.s3.upload_part(Bucket=self.bucket, Key=key, UploadId=upload, PartNumber=number, Body=body)["ETag"]
        return {"ETag": etag, "PartNumber": number}

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
