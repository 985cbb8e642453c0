# The monthly statement: EventBridge Scheduler sends one request to the statements queue on the
# schedule: billflow.domain.contracts.SendMonthlyStatements (statements.send.v1). Without a
# `month`, the emailer asks for the month before `occurred_at` (docs/decisions/0030).

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name               = "${local.name}-statement-schedule"
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid     = "SendScheduledRequests"
    actions = ["sqs:SendMessage"]
    resources = [
      module.statements_queue.arn, module.statements_queue.dlq_arn,
      module.expense_queue.arn, module.expense_queue.dlq_arn,
    ]
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "send-statement-requests"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

resource "aws_scheduler_schedule" "monthly_statement" {
  #checkov:skip=CKV_AWS_297:The schedule's input is a fixed message type and Scheduler placeholders, no data worth a customer-managed key (and the key would need a grant to the execution role).
  name                         = "${local.name}-monthly-statement"
  description                  = "Ask for the monthly statement"
  schedule_expression          = var.statement_schedule
  schedule_expression_timezone = var.statement_schedule_timezone

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = module.statements_queue.arn
    role_arn = aws_iam_role.scheduler.arn

    # <aws.scheduler.*> placeholders are filled in by EventBridge Scheduler at each run.
    input = jsonencode({
      type           = "statements.send.v1"
      message_id     = "<aws.scheduler.execution-id>"
      occurred_at    = "<aws.scheduler.scheduled-time>"
      correlation_id = "<aws.scheduler.execution-id>"
    })

    retry_policy {
      maximum_event_age_in_seconds = 86400
      maximum_retry_attempts       = 10
    }

    dead_letter_config {
      arn = module.statements_queue.dlq_arn
    }
  }
}

# The daily overdue reminders: the same role and queue as the statement. The emailer sends, for
# the day of `occurred_at`, each invoice's reminder of each level it has reached, exactly once
# (billflow.domain.contracts.SendReminders, reminders.send.v1; docs/decisions/0019).
resource "aws_scheduler_schedule" "daily_reminders" {
  #checkov:skip=CKV_AWS_297:The schedule's input is a fixed message type and Scheduler placeholders, no data worth a customer-managed key (and the key would need a grant to the execution role).
  name                         = "${local.name}-daily-reminders"
  description                  = "Ask for the day's overdue reminders"
  schedule_expression          = var.reminder_schedule
  schedule_expression_timezone = var.statement_schedule_timezone

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = module.statements_queue.arn
    role_arn = aws_iam_role.scheduler.arn

    input = jsonencode({
      type           = "reminders.send.v1"
      message_id     = "<aws.scheduler.execution-id>"
      occurred_at    = "<aws.scheduler.scheduled-time>"
      correlation_id = "<aws.scheduler.execution-id>"
    })

    retry_policy {
      maximum_event_age_in_seconds = 86400
      maximum_retry_attempts       = 10
    }

    dead_letter_config {
      arn = module.statements_queue.dlq_arn
    }
  }
}

# The hourly sweep of abandoned direct uploads: the extractor fails each expense still waiting
# for its file long after its upload form expired, "the file was never uploaded"
# (billflow.domain.contracts.SweepAbandonedUploads, expense.uploads.sweep.v1). Idempotent.
resource "aws_scheduler_schedule" "upload_sweep" {
  #checkov:skip=CKV_AWS_297:The schedule's input is a fixed message type and Scheduler placeholders, no data worth a customer-managed key (and the key would need a grant to the execution role).
  name                = "${local.name}-upload-sweep"
  description         = "Fail the direct uploads whose file never arrived"
  schedule_expression = var.upload_sweep_schedule

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = module.expense_queue.arn
    role_arn = aws_iam_role.scheduler.arn

    input = jsonencode({
      type           = "expense.uploads.sweep.v1"
      message_id     = "<aws.scheduler.execution-id>"
      occurred_at    = "<aws.scheduler.scheduled-time>"
      correlation_id = "<aws.scheduler.execution-id>"
    })

    retry_policy {
      maximum_event_age_in_seconds = 3600
      maximum_retry_attempts       = 10
    }

    dead_letter_config {
      arn = module.expense_queue.dlq_arn
    }
  }
}
