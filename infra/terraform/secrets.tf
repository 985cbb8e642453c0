# Secrets the functions read at cold start, one per function that has any. Each holds a JSON object
# whose keys are environment variable names the code already reads (shared/platform settings.py);
# the function gets only the secret's ARN, in BILLFLOW_SECRETS_ARN. The database password is the
# RDS-managed secret (database.tf), passed as BILLFLOW_DATABASE_SECRET_ARN.
#
# Values generated here are kept in the Terraform state: keep the state encrypted and private
# (see the backend example in versions.tf).

resource "random_password" "jwt_secret" {
  length  = 64
  special = false
}

resource "random_password" "admin_password" {
  length      = 24
  special     = false
  min_upper   = 2
  min_lower   = 2
  min_numeric = 2
}

resource "aws_secretsmanager_secret" "api" {
  #checkov:skip=CKV2_AWS_57:The JWT signing key and the first admin's initial password are rotated by re-applying with a new value (terraform apply -replace=random_password.jwt_secret), not by a rotation function.
  name                    = "${local.name}/api"
  description             = "Billflow API: BILLFLOW_JWT_SECRET and BILLFLOW_ADMIN_PASSWORD (JSON)"
  kms_key_id              = aws_kms_key.main.arn
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "api" {
  secret_id = aws_secretsmanager_secret.api.id
  secret_string = jsonencode({
    BILLFLOW_JWT_SECRET     = random_password.jwt_secret.result
    BILLFLOW_ADMIN_PASSWORD = random_password.admin_password.result
  })
}

resource "aws_secretsmanager_secret" "emailer" {
  #checkov:skip=CKV2_AWS_57:SES SMTP credentials come from an IAM access key; rotate by replacing aws_iam_access_key.smtp (terraform apply -replace), which rewrites this secret.
  name                    = "${local.name}/emailer"
  description             = "Billflow emailer: SMTP_USERNAME and SMTP_PASSWORD for SES SMTP (JSON)"
  kms_key_id              = aws_kms_key.main.arn
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "emailer" {
  secret_id = aws_secretsmanager_secret.emailer.id
  secret_string = jsonencode({
    SMTP_USERNAME = aws_iam_access_key.smtp.id
    SMTP_PASSWORD = aws_iam_access_key.smtp.ses_smtp_password_v4
  })
}
