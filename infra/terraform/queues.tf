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
