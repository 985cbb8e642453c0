# The ha profile (docs/decisions/0032; lean's database is in database_lean.tf).
# PostgreSQL 16 on RDS in the private subnets, reached by the functions only through RDS Proxy,
# which pools connections so that bursts of Lambda instances do not exhaust the database. RDS
# generates the master password and keeps it in Secrets Manager (and rotates it); nothing in
# Terraform's variables or the functions' environment holds it.

resource "aws_db_subnet_group" "main" {
  count = local.ha ? 1 : 0

  name        = local.name
  description = "Private subnets of ${local.name}"
  subnet_ids  = aws_subnet.private[*].id
}

resource "aws_db_parameter_group" "main" {
  count = local.ha ? 1 : 0

  name        = "${local.name}-postgres16"
  family      = "postgres16"
  description = "Billflow PostgreSQL 16: TLS only, DDL and slow statements logged"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  # DDL only: every statement would put invoice data (names, amounts) into the logs.
  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "1000" # ms
  }
}

data "aws_iam_policy_document" "rds_monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "rds_monitoring" {
  name               = "${local.name}-rds-monitoring"
  assume_role_policy = data.aws_iam_policy_document.rds_monitoring_assume.json
}

resource "aws_iam_role_policy_attachment" "rds_monitoring" {
  role       = aws_iam_role.rds_monitoring.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

# The log groups RDS exports to, created here so they get our retention and key instead of
# RDS creating them unencrypted and kept forever.
resource "aws_cloudwatch_log_group" "database" {
  for_each = local.ha ? toset(["postgresql", "upgrade"]) : toset([])

  name              = "/aws/rds/instance/${local.name}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

resource "aws_db_instance" "main" {
  count = local.ha ? 1 : 0

  #checkov:skip=CKV_AWS_157:Multi-AZ is var.db_multi_az (off by default: it doubles the largest line of a small deployment's bill; backups and PITR cover recovery).
  identifier     = local.name
  engine         = "postgres"
  engine_version = var.db_engine_version
  instance_class = var.db_instance_class

  db_name                       = var.db_name
  username                      = var.db_username
  manage_master_user_password   = true
  master_user_secret_kms_key_id = aws_kms_key.main.arn

  allocated_storage     = var.db_allocated_storage_gb
  max_allocated_storage = var.db_max_allocated_storage_gb
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.main.arn

  db_subnet_group_name   = aws_db_subnet_group.main[0].name
  vpc_security_group_ids = [aws_security_group.database[0].id]
  parameter_group_name   = aws_db_parameter_group.main[0].name
  publicly_accessible    = false
  multi_az               = var.db_multi_az

  iam_database_authentication_enabled = true
  auto_minor_version_upgrade          = true
  backup_retention_period             = var.db_backup_retention_days
  backup_window                       = "02:00-03:00"
  maintenance_window                  = "sun:03:30-sun:04:30"
  copy_tags_to_snapshot               = true
  deletion_protection                 = true
  skip_final_snapshot                 = false
  final_snapshot_identifier           = "${local.name}-final"

  enabled_cloudwatch_logs_exports       = ["postgresql", "upgrade"]
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.main.arn
  performance_insights_retention_period = 7 # days; the free tier
  monitoring_interval                   = 60
  monitoring_role_arn                   = aws_iam_role.rds_monitoring.arn

  depends_on = [aws_cloudwatch_log_group.database]
}

# --- RDS Proxy --------------------------------------------------------------------------------

data "aws_iam_policy_document" "proxy_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["rds.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "proxy" {
  count = local.ha ? 1 : 0

  name               = "${local.name}-rds-proxy"
  assume_role_policy = data.aws_iam_policy_document.proxy_assume.json
}

data "aws_iam_policy_document" "proxy" {
  statement {
    sid       = "ReadDatabaseCredentials"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [local.database_secret_arn]
  }

  statement {
    sid       = "DecryptDatabaseCredentials"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.main.arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${var.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "proxy" {
  count = local.ha ? 1 : 0

  name   = "read-database-secret"
  role   = aws_iam_role.proxy[0].id
  policy = data.aws_iam_policy_document.proxy.json
}

locals {
  # The RDS-managed master secret of whichever database the profile has.
  database_secret_arn = (local.ha
    ? aws_db_instance.main[0].master_user_secret[0].secret_arn
    : aws_rds_cluster.lean[0].master_user_secret[0].secret_arn
  )
  # Where the functions connect: RDS Proxy (ha), or the Aurora cluster's writer endpoint (lean).
  database_host = local.ha ? aws_db_proxy.main[0].endpoint : aws_rds_cluster.lean[0].endpoint
}

resource "aws_db_proxy" "main" {
  count = local.ha ? 1 : 0

  name                   = local.name
  engine_family          = "POSTGRESQL"
  role_arn               = aws_iam_role.proxy[0].arn
  vpc_subnet_ids         = aws_subnet.private[*].id
  vpc_security_group_ids = [aws_security_group.proxy[0].id]
  require_tls            = true
  idle_client_timeout    = 1800
  debug_logging          = false # it would log SQL text, and so invoice data

  auth {
    auth_scheme = "SECRETS"
    secret_arn  = local.database_secret_arn
    iam_auth    = "DISABLED"
    description = "The RDS-managed master credentials"
  }
}

resource "aws_db_proxy_default_target_group" "main" {
  count = local.ha ? 1 : 0

  db_proxy_name = aws_db_proxy.main[0].name

  connection_pool_config {
    max_connections_percent      = 90
    max_idle_connections_percent = 50
    connection_borrow_timeout    = 30
  }
}

resource "aws_db_proxy_target" "main" {
  count = local.ha ? 1 : 0

  db_proxy_name          = aws_db_proxy.main[0].name
  target_group_name      = aws_db_proxy_default_target_group.main[0].name
  db_instance_identifier = aws_db_instance.main[0].identifier
}
