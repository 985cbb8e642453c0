# Alarms go to one SNS topic; a small dashboard shows the pipeline end to end.

resource "aws_sns_topic" "alarms" {
  name              = "${local.name}-alarms"
  kms_master_key_id = aws_kms_key.main.arn
}

resource "aws_sns_topic_subscription" "alarm_email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

locals {
  functions = {
    api        = module.api.function_name
    pdf_worker = module.pdf_worker.function_name
    emailer    = module.emailer.function_name
    extractor  = module.extractor.function_name
    webhooks   = module.webhooks.function_name
    planner    = module.planner.function_name
  }
  work_queues = {
    render     = module.render_queue
    delivery   = module.delivery_queue
    statements = module.statements_queue
    expense    = module.expense_queue
    webhooks   = module.webhooks_queue
    upload     = module.upload_queue
    planning   = module.planning_queue
  }
}

# A function erroring as a whole (not single messages: those are batchItemFailures and end in the
# DLQ alarm) means a crash, a timeout or a broken deployment.
resource "aws_cloudwatch_metric_alarm" "function_errors" {
  for_each = local.functions

  alarm_name          = "${each.value}-errors"
  alarm_description   = "${each.value} failed invocations: crashes, timeouts or a broken image."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_metric_alarm" "api_5xx" {
  alarm_name          = "${local.name}-api-5xx"
  alarm_description   = "The HTTP API answered with server errors."
  namespace           = "AWS/ApiGateway"
  metric_name         = "5xx"
  dimensions          = { ApiId = aws_apigatewayv2_api.main.id, Stage = "$default" }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 5
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
}

# ha only: beyond an account's three free dashboards one costs $3 a month, a third of lean's
# whole budget (docs/deploy.md); lean keeps the alarms, and CloudWatch's per-service views.
resource "aws_cloudwatch_dashboard" "main" {
  count = local.ha ? 1 : 0

  dashboard_name = local.name
  dashboard_body = jsonencode({
    widgets = [
      {
        type = "metric", x = 0, y = 0, width = 12, height = 6
        properties = {
          title  = "API requests and errors"
          region = var.region
          stat   = "Sum"
          period = 300
          metrics = [
            ["AWS/ApiGateway", "Count", "ApiId", aws_apigatewayv2_api.main.id, "Stage", "$default"],
            [".", "4xx", ".", ".", ".", "."],
            [".", "5xx", ".", ".", ".", "."],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 0, width = 12, height = 6
        properties = {
          title   = "API latency p95 (ms)"
          region  = var.region
          stat    = "p95"
          period  = 300
          metrics = [["AWS/ApiGateway", "Latency", "ApiId", aws_apigatewayv2_api.main.id, "Stage", "$default"]]
        }
      },
      {
        type = "metric", x = 0, y = 6, width = 12, height = 6
        properties = {
          title   = "Function invocations, errors, throttles"
          region  = var.region
          stat    = "Sum"
          period  = 300
          metrics = flatten([for name in values(local.functions) : [["AWS/Lambda", "Invocations", "FunctionName", name], [".", "Errors", ".", "."], [".", "Throttles", ".", "."]]])
        }
      },
      {
        type = "metric", x = 12, y = 6, width = 12, height = 6
        properties = {
          title   = "Function duration p95 (ms)"
          region  = var.region
          stat    = "p95"
          period  = 300
          metrics = [for name in values(local.functions) : ["AWS/Lambda", "Duration", "FunctionName", name]]
        }
      },
      {
        type = "metric", x = 0, y = 12, width = 12, height = 6
        properties = {
          title   = "Queue backlog and dead letters"
          region  = var.region
          stat    = "Maximum"
          period  = 300
          metrics = flatten([for q in values(local.work_queues) : [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q.name], [".", ".", ".", q.dlq_name]]])
        }
      },
      {
        type = "metric", x = 12, y = 12, width = 12, height = 6
        properties = {
          title   = "Age of oldest message (s)"
          region  = var.region
          stat    = "Maximum"
          period  = 300
          metrics = [for q in values(local.work_queues) : ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", q.name]]
        }
      },
      {
        type = "metric", x = 0, y = 18, width = 12, height = 6
        properties = {
          title  = "Database"
          region = var.region
          stat   = "Average"
          period = 300
          metrics = [
            ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", aws_db_instance.main[0].identifier],
            [".", "DatabaseConnections", ".", "."],
            ["AWS/RDS", "ClientConnections", "ProxyName", aws_db_proxy.main[0].name],
          ]
        }
      },
    ]
  })
}
