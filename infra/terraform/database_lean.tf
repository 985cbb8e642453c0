# The lean profile's database (docs/decisions/0032): Aurora PostgreSQL Serverless v2 whose
# minimum capacity is 0 ACU, so it pauses after lean_db_seconds_until_auto_pause without a
# connection and costs storage only until the next connection resumes it. No RDS Proxy: the
# functions' connections are bounded by their reserved concurrency and the event source
# mappings' maximum concurrency (functions.tf), times BILLFLOW_DB_POOL_MAX.

resource "aws_db_subnet_group" "lean" {
  count = local.lean ? 1 : 0

  name        = "${local.name}-lean"
  description = "Public subnets of ${local.name} (the lean profile's database)"
  subnet_ids  = aws_subnet.public[*].id
}

resource "aws_rds_cluster_parameter_group" "lean" {
  count = local.lean ? 1 : 0

  name        = "${local.name}-aurora-postgresql16"
  family      = "aurora-postgresql16"
  description = "Billflow Aurora PostgreSQL 16: TLS only, DDL and slow statements logged"

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

resource "aws_cloudwatch_log_group" "lean_database" {
  count = local.lean ? 1 : 0

  name              = "/aws/rds/cluster/${local.name}/postgresql"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

resource "aws_rds_cluster" "lean" {
  #checkov:skip=CKV2_AWS_8:Backed up by Aurora's own continuous backups (backup_retention_period, point-in-time recovery); no AWS Backup plan in either profile.
  count = local.lean ? 1 : 0

  cluster_identifier = local.name
  engine             = "aurora-postgresql"
  engine_mode        = "provisioned" # Serverless v2 instances live in a provisioned-mode cluster
  engine_version     = var.lean_db_engine_version

  database_name                 = var.db_name
  master_username               = var.db_username
  manage_master_user_password   = true
  master_user_secret_kms_key_id = aws_kms_key.main.arn

  storage_encrypted = true
  kms_key_id        = aws_kms_key.main.arn

  db_subnet_group_name            = aws_db_subnet_group.lean[0].name
  vpc_security_group_ids          = [aws_security_group.lean_database[0].id]
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.lean[0].name

  iam_database_authentication_enabled = true
  backup_retention_period             = var.db_backup_retention_days
  preferred_backup_window             = "02:00-03:00"
  preferred_maintenance_window        = "sun:03:30-sun:04:30"
  copy_tags_to_snapshot               = true
  deletion_protection                 = true
  skip_final_snapshot                 = false
  final_snapshot_identifier           = "${local.name}-final"
  enabled_cloudwatch_logs_exports     = ["postgresql"]

  serverlessv2_scaling_configuration {
    min_capacity             = 0 # pauses when idle: instance capacity is not billed while paused
    max_capacity             = var.lean_db_max_acu
    seconds_until_auto_pause = var.lean_db_seconds_until_auto_pause
  }

  depends_on = [aws_cloudwatch_log_group.lean_database]
}

resource "aws_rds_cluster_instance" "lean" {
  #checkov:skip=CKV_AWS_118:Enhanced monitoring would bill CloudWatch Logs around the clock for a database meant to sleep; the cluster's own metrics remain.
  #checkov:skip=CKV_AWS_353:Performance Insights is left off in lean so nothing keeps a paused-by-design instance busy; ha keeps it.
  #checkov:skip=CKV_AWS_17:Publicly accessible on purpose in lean: the functions run outside the VPC; TLS is forced and the password is RDS-managed (docs/decisions/0032).
  count = local.lean ? 1 : 0

  identifier                 = "${local.name}-writer"
  cluster_identifier         = aws_rds_cluster.lean[0].id
  engine                     = aws_rds_cluster.lean[0].engine
  engine_version             = aws_rds_cluster.lean[0].engine_version
  instance_class             = "db.serverless"
  publicly_accessible        = true
  auto_minor_version_upgrade = true
  copy_tags_to_snapshot      = true
}
