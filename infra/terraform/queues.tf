# The work queues, each with its dead-letter queue and alarms (modules/queue).

module "render_queue" {
  source = "./modules/queue"

  name                         = local.queue_names.render
  visibility_timeout_seconds   = local.render_visibility_seconds
  max_receive_count            = var.max_receive_count
  oldest_message_alarm_seconds = var.oldest_message_alarm_seconds
  alarm_actions                = [aws_sns_topic.alarms.arn]
}

module "delivery_queue" {
  source = "./modules/queue"

  name                         = local.queue_names.delivery
  visibility_timeout_seconds   = local.delivery_visibility_seconds
  max_receive_count            = var.max_receive_count
  oldest_message_alarm_seconds = var.oldest_message_alarm_seconds
  alarm_actions                = [aws_sns_topic.alarms.arn]
}

# Monthly statement requests from the schedule (schedule.tf) and POST /v1/statements, consumed by
# the emailer (BILLFLOW_STATEMENTS_QUEUE) through its second event source mapping (functions.tf).
module "statements_queue" {
  source = "./modules/queue"

  name                         = local.queue_names.statements
  visibility_timeout_seconds   = local.statements_visibility_seconds
  message_retention_seconds    = 1209600 # 14 days: a statement request outlives a long weekend's outage
  max_receive_count            = var.max_receive_count
  oldest_message_alarm_seconds = var.oldest_message_alarm_seconds
  alarm_actions                = [aws_sns_topic.alarms.arn]
}

# S3's notifications of direct uploads (objects created under uploads/, storage.tf), consumed by
# the extractor (BILLFLOW_UPLOAD_QUEUE) through its second event source mapping (functions.tf).
module "upload_queue" {
  source = "./modules/queue"

  name                         = local.queue_names.upload
  visibility_timeout_seconds   = local.upload_visibility_seconds
  max_receive_count            = var.max_receive_count
  oldest_message_alarm_seconds = var.oldest_message_alarm_seconds
  alarm_actions                = [aws_sns_topic.alarms.arn]
  allowed_s3_bucket_arn        = aws_s3_bucket.documents.arn
}

# Expense uploads to read: ExtractExpense from the API's outbox, consumed by the extractor
# (BILLFLOW_EXPENSE_QUEUE). The extractor's NotifyExpense goes to the delivery queue.
module "expense_queue" {
  source = "./modules/queue"

  name                         = local.queue_names.expense
  visibility_timeout_seconds   = local.expense_visibility_seconds
  max_receive_count            = var.max_receive_count
  oldest_message_alarm_seconds = var.oldest_message_alarm_seconds
  alarm_actions                = [aws_sns_topic.alarms.arn]
}

# Webhook events to deliver: webhook.dispatch.v1, written by the database with each event (decision
# 0028) and relayed by every writer's outbox, consumed by the deliverer (BILLFLOW_WEBHOOKS_QUEUE).
# A message is kept, out of sight until the next retry, while any of its deliveries is pending.
module "webhooks_queue" {
  source = "./modules/queue"

  name                         = local.queue_names.webhooks
  visibility_timeout_seconds   = local.webhooks_visibility_seconds
  message_retention_seconds    = 345600 # 4 days: longer than the 24 h of retries plus an outage
  max_receive_count            = local.webhooks_max_receive_count
  oldest_message_alarm_seconds = 86400 # retries keep messages for a day by design
  alarm_actions                = [aws_sns_topic.alarms.arn]
}

# Billing runs to plan: PlanBillingRun from the API's outbox (POST /v1/billing-runs) and from the
# planner's own (a continuation after its time budget), consumed by the planner
# (BILLFLOW_PLANNING_QUEUE, decision 0031).
module "planning_queue" {
  source = "./modules/queue"

  name                         = local.queue_names.planning
  visibility_timeout_seconds   = local.planning_visibility_seconds
  max_receive_count            = var.max_receive_count
  oldest_message_alarm_seconds = var.oldest_message_alarm_seconds
  alarm_actions                = [aws_sns_topic.alarms.arn]
}
