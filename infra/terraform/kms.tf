# One customer-managed key for the deployment's data at rest that AWS-owned keys cannot cover
# well: secrets, logs, the database, the images, function environments and the alarm topic.
# One key costs $1 a month; per-service keys would add cost and policy without a separate
# audience to protect from.

data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_111:A key policy, not an identity policy: "*" as resource means this key, and the principals are the account and two services under conditions.
  #checkov:skip=CKV_AWS_356:A key policy, not an identity policy: "*" as resource means this key.
  #checkov:skip=CKV_AWS_109:A key policy, not an identity policy: the account administers its own key through IAM, which is the documented default.
  # The account administers the key through IAM (without this nobody could).
  statement {
    sid       = "AccountAdministersThroughIam"
    actions   = ["kms:*"]
    resources = ["*"] # in a key policy, "*" means this key
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # CloudWatch Logs encrypts the log groups of this deployment only.
  statement {
    sid = "CloudWatchLogsForOurLogGroups"
    actions = [
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:DescribeKey",
    ]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:*"]
    }
  }

  # CloudWatch alarms publish to the encrypted alarm topic.
  statement {
    sid       = "CloudWatchAlarmsPublishToTopic"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_kms_key" "main" {
  description             = "${local.name}: secrets, logs, database, images, function environments"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms.json
}

resource "aws_kms_alias" "main" {
  name          = "alias/${local.name}"
  target_key_id = aws_kms_key.main.key_id
}
