# The documents bucket: invoice PDFs under invoices/ (billflow.domain.billing.pdf_key). Private,
# owner-enforced, encrypted, versioned, TLS only; old versions expire, old invoices get cheaper.

resource "aws_s3_bucket" "documents" {
  #checkov:skip=CKV_AWS_18:Server access logs would need a second bucket and cost more than they tell here; object-level access is visible through CloudTrail data events when needed.
  #checkov:skip=CKV_AWS_144:Cross-region replication is a disaster-recovery choice per deployment (a second region, a second bill); versioning protects against deletion.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to object events: the work flows through SQS commands, not bucket notifications.
  #checkov:skip=CKV_AWS_145:SSE-S3 (AES256) on purpose: the code writes every object with ServerSideEncryption=AES256, and pre-signed download URLs then need no KMS permission or per-request KMS cost.
  bucket = local.bucket_name
}

resource "aws_s3_bucket_public_access_block" "documents" {
  bucket                  = aws_s3_bucket.documents.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "documents" {
  bucket = aws_s3_bucket.documents.id
  rule {
    object_ownership = "BucketOwnerEnforced" # ACLs off: the bucket policy and IAM decide
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "documents" {
  bucket = aws_s3_bucket.documents.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "documents" {
  bucket = aws_s3_bucket.documents.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "documents" {
  bucket = aws_s3_bucket.documents.id

  rule {
    id     = "expire-old-versions-and-uploads"
    status = "Enabled"
    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
    expiration {
      expired_object_delete_marker = true
    }
  }

  # Invoices are kept (accounting law asks for years) but rarely read after their first year.
  rule {
    id     = "archive-old-invoices"
    status = "Enabled"
    filter {
      prefix = local.invoice_prefix
    }

    transition {
      days          = var.archive_after_days
      storage_class = "GLACIER_IR"
    }
  }

  depends_on = [aws_s3_bucket_versioning.documents]
}

data "aws_iam_policy_document" "documents" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.documents.arn, "${aws_s3_bucket.documents.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  statement {
    sid       = "DenyOldTls"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.documents.arn, "${aws_s3_bucket.documents.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "NumericLessThan"
      variable = "s3:TlsVersion"
      values   = ["1.2"]
    }
  }
}

resource "aws_s3_bucket_policy" "documents" {
  bucket = aws_s3_bucket.documents.id
  policy = data.aws_iam_policy_document.documents.json

  depends_on = [aws_s3_bucket_public_access_block.documents]
}

# Direct uploads (POST /v1/expenses/uploads): every object created under uploads/ is announced
# on the upload queue, which the extractor reads. The queue's policy lets this bucket send to it.
resource "aws_s3_bucket_notification" "uploads" {
  bucket = aws_s3_bucket.documents.id

  queue {
    id            = "direct-uploads"
    queue_arn     = module.upload_queue.arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = local.upload_prefix
  }

  depends_on = [module.upload_queue] # S3 checks, with a test event, that it may send to the queue
}
