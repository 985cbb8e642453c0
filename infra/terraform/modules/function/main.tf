# One Billflow service as a Lambda function from its container image: its role (the service's own
# policy plus what every function in a VPC needs), its log group, and, for a worker, the SQS event
# source mapping with partial batch failures.

terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  arn_prefix = "arn:${data.aws_partition.current.partition}"
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = var.name
  description        = "Execution role of ${var.name}: only its own queues, bucket prefix and secrets."
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

# What the Lambda runtime itself needs: write this function's logs, manage its network interfaces
# in the VPC, send traces, decrypt its environment.
data "aws_iam_policy_document" "runtime" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  # Lambda creates and removes the function's ENIs with the execution role. The Describe calls
  # have no resource-level permissions; the rest are held to this account and region (AWS's own
  # guidance: narrower ENI ARNs can leave a function unable to attach to the VPC).
  statement {
    sid       = "DescribeVpcNetworking"
    actions   = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"]
    resources = ["*"]
  }

  statement {
    sid = "ManageOwnNetworkInterfaces"
    actions = [
      "ec2:CreateNetworkInterface",
      "ec2:DeleteNetworkInterface",
      "ec2:AssignPrivateIpAddresses",
      "ec2:UnassignPrivateIpAddresses",
    ]
    resources = ["${local.arn_prefix}:ec2:${local.region}:${local.account_id}:*/*"]
  }

  # X-Ray has no resource-level permissions for these two actions.
  statement {
    sid       = "SendTraces"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }

  statement {
    sid       = "DecryptEnvironmentAndSecrets"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "runtime" {
  name   = "runtime"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.runtime.json
}

# The service's own permissions (queues, bucket prefix, secrets), written next to the service's
# wiring in the root module and checked against the code by tests/infra.
resource "aws_iam_role_policy" "service" {
  name   = "service"
  role   = aws_iam_role.this.id
  policy = var.policy_json
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_272:Lambda code signing does not apply to container images; ECR immutable tags and image scanning stand in for it.
  #checkov:skip=CKV_AWS_116:Invoked synchronously (API Gateway, SQS event source mapping); failed SQS messages go to each queue's own dead-letter queue, not a function DLQ.
  function_name = var.name
  description   = var.description
  role          = aws_iam_role.this.arn
  package_type  = "Image"
  image_uri     = var.image_uri
  architectures = [var.architecture]
  memory_size   = var.memory_mb
  timeout       = var.timeout_seconds
  kms_key_arn   = var.kms_key_arn

  # Caps this function's share of the database: a billing run of thousands of invoices queues up
  # instead of opening thousands of connections.
  reserved_concurrent_executions = var.reserved_concurrency

  # One image, two ways to run: its default CMD is the long-running poller (containers, Compose);
  # here the Lambda runtime interface client runs the Lambda handler instead.
  image_config {
    entry_point = var.entry_point
    command     = var.command
  }

  # No subnets: the function runs outside any VPC (the lean profile, docs/decisions/0032).
  dynamic "vpc_config" {
    for_each = length(var.subnet_ids) > 0 ? [1] : []
    content {
      subnet_ids         = var.subnet_ids
      security_group_ids = var.security_group_ids
    }
  }

  environment {
    variables = var.environment
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.runtime, aws_iam_role_policy.service]
}

resource "aws_lambda_event_source_mapping" "queue" {
  count = var.queue == null ? 0 : 1

  event_source_arn                   = var.queue.arn
  function_name                      = aws_lambda_function.this.arn
  batch_size                         = var.queue.batch_size
  maximum_batching_window_in_seconds = var.queue.batching_window_seconds
  # The handler returns batchItemFailures: only the failed messages come back, the rest are deleted.
  function_response_types = ["ReportBatchItemFailures"]

  scaling_config {
    # At most this many concurrent invocations from this queue (AWS's minimum is 2); kept at or
    # below the reserved concurrency so the mapping never throttles its own function.
    maximum_concurrency = var.queue.maximum_concurrency
  }
}
