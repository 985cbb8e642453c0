# The five services as Lambda functions (modules/function): their handlers, environments and
# IAM policies. tests/infra/test_terraform_contract.py reads this file and checks it against the
# code: environment names against shared/platform settings.py, handlers, and queue/bucket actions.

locals {
  # The Lambda runtime interface client, installed in every image (services/*/Dockerfile).
  lambda_entry_point = ["/opt/venv/bin/python", "-m", "awslambdaric"]

  # module.function of each Lambda handler (added on the code side: see docs/deploy.md).
  lambda_handlers = {
    api        = "billflow.api.lambda_handler.handler"
    pdf_worker = "billflow.pdf_worker.lambda_handler.handler"
    emailer    = "billflow.emailer.lambda_handler.handler"
    extractor  = "billflow.extractor.lambda_handler.handler"
    webhooks   = "billflow.webhooks.lambda_handler.handler"
    planner    = "billflow.api.planner.lambda_handler.handler"
  }

  # No password in the URL: it comes from the RDS-managed secret named by
  # BILLFLOW_DATABASE_SECRET_ARN (reading it is pending on the code side; see docs/deploy.md).
  database_url = "postgresql://${var.db_username}@${local.database_host}:5432/${var.db_name}?sslmode=require"

  # ha: the functions run in the private subnets (RDS Proxy and the interface endpoints are there);
  # lean: outside any VPC, reaching SQS, SES, Secrets Manager and S3 on their public endpoints and
  # the database on its public, TLS-only endpoint (docs/decisions/0032).
  function_subnet_ids         = local.ha ? aws_subnet.private[*].id : []
  function_security_group_ids = local.ha ? [aws_security_group.functions[0].id] : []

  # Environment of each function. Names are the ones the code reads (shared/platform settings.py),
  # plus the two deploy-only names BILLFLOW_DATABASE_SECRET_ARN and BILLFLOW_SECRETS_ARN.
  # AWS_REGION is not set here: Lambda reserves it and sets it itself.
  function_environment = {
    api = {
      DATABASE_URL                 = local.database_url
      BILLFLOW_DATABASE_SECRET_ARN = local.database_secret_arn
      BILLFLOW_SECRETS_ARN         = aws_secretsmanager_secret.api.arn
      BILLFLOW_DB_POOL_MIN         = "1"
      BILLFLOW_DB_POOL_MAX         = tostring(var.db_pool_max_per_function)
      BILLFLOW_BUCKET              = aws_s3_bucket.documents.id
      BILLFLOW_RENDER_QUEUE        = module.render_queue.name
      BILLFLOW_DELIVERY_QUEUE      = module.delivery_queue.name
      BILLFLOW_EXPENSE_QUEUE       = module.expense_queue.name
      BILLFLOW_STATEMENTS_QUEUE    = module.statements_queue.name
      BILLFLOW_WEBHOOKS_QUEUE      = module.webhooks_queue.name
      BILLFLOW_PLANNING_QUEUE      = module.planning_queue.name
      BILLFLOW_LOG_LEVEL           = var.log_level
      BILLFLOW_ADMIN_EMAIL         = var.admin_email
      BILLFLOW_COMPANY_NAME        = var.company.name
      BILLFLOW_COMPANY_ADDRESS     = var.company.address
      BILLFLOW_COMPANY_TAX_ID      = var.company.tax_id
      BILLFLOW_PAYMENT_TERMS_DAYS  = tostring(var.company.payment_terms_days)
      BILLFLOW_WEB_SECURE_COOKIES  = "true" # API Gateway serves the pages over HTTPS only
    }
    pdf_worker = {
      DATABASE_URL                 = local.database_url
      BILLFLOW_DATABASE_SECRET_ARN = local.database_secret_arn
      BILLFLOW_DB_POOL_MIN         = "1"
      BILLFLOW_DB_POOL_MAX         = tostring(var.db_pool_max_per_function)
      BILLFLOW_BUCKET              = aws_s3_bucket.documents.id
      BILLFLOW_RENDER_QUEUE        = module.render_queue.name
      BILLFLOW_DELIVERY_QUEUE      = module.delivery_queue.name
      BILLFLOW_WEBHOOKS_QUEUE      = module.webhooks_queue.name
      BILLFLOW_MAX_RECEIVES        = tostring(var.max_receive_count)
      BILLFLOW_LOG_LEVEL           = var.log_level
      BILLFLOW_CHROMIUM_PATH       = "/usr/bin/chromium"
    }
    emailer = {
      DATABASE_URL                 = local.database_url
      BILLFLOW_DATABASE_SECRET_ARN = local.database_secret_arn
      BILLFLOW_SECRETS_ARN         = aws_secretsmanager_secret.emailer.arn
      BILLFLOW_DB_POOL_MIN         = "1"
      BILLFLOW_DB_POOL_MAX         = tostring(var.db_pool_max_per_function)
      BILLFLOW_BUCKET              = aws_s3_bucket.documents.id
      BILLFLOW_DELIVERY_QUEUE      = module.delivery_queue.name
      BILLFLOW_STATEMENTS_QUEUE    = module.statements_queue.name
      BILLFLOW_WEBHOOKS_QUEUE      = module.webhooks_queue.name
      BILLFLOW_MAX_RECEIVES        = tostring(var.max_receive_count)
      BILLFLOW_LOG_LEVEL           = var.log_level
      SMTP_HOST                    = "email-smtp.${var.region}.amazonaws.com" # ha: the VPC endpoint, by private DNS; lean: public
      SMTP_PORT                    = "587"
      SMTP_STARTTLS                = "true"
      BILLFLOW_MAIL_FROM           = "${var.sender_name} <${var.sender_address}>"
    }
    extractor = {
      DATABASE_URL                 = local.database_url
      BILLFLOW_DATABASE_SECRET_ARN = local.database_secret_arn
      BILLFLOW_DB_POOL_MIN         = "1"
      BILLFLOW_DB_POOL_MAX         = tostring(var.db_pool_max_per_function)
      BILLFLOW_BUCKET              = aws_s3_bucket.documents.id
      BILLFLOW_EXPENSE_QUEUE       = module.expense_queue.name
      BILLFLOW_UPLOAD_QUEUE        = module.upload_queue.name
      BILLFLOW_DELIVERY_QUEUE      = module.delivery_queue.name
      BILLFLOW_WEBHOOKS_QUEUE      = module.webhooks_queue.name
      BILLFLOW_MAX_RECEIVES        = tostring(var.max_receive_count)
      BILLFLOW_LOG_LEVEL           = var.log_level
      # Textract AnalyzeExpense through its VPC endpoint; the image needs no Tesseract for it.
      BILLFLOW_DOCUMENT_READER = "textract"
    }
    webhooks = {
      DATABASE_URL                 = local.database_url
      BILLFLOW_DATABASE_SECRET_ARN = local.database_secret_arn
      BILLFLOW_DB_POOL_MIN         = "1"
      BILLFLOW_DB_POOL_MAX         = tostring(var.db_pool_max_per_function)
      BILLFLOW_BUCKET              = aws_s3_bucket.documents.id
      BILLFLOW_WEBHOOKS_QUEUE      = module.webhooks_queue.name
      BILLFLOW_MAX_RECEIVES        = tostring(local.webhooks_max_receive_count)
      BILLFLOW_LOG_LEVEL           = var.log_level
      # Loopback stays refused (BILLFLOW_WEBHOOKS_ALLOW_LOOPBACK unset); the first retry in 10 s.
      BILLFLOW_WEBHOOKS_RETRY_BASE_SECONDS = "10"
    }
    planner = {
      DATABASE_URL                 = local.database_url
      BILLFLOW_DATABASE_SECRET_ARN = local.database_secret_arn
      BILLFLOW_DB_POOL_MIN         = "1"
      BILLFLOW_DB_POOL_MAX         = tostring(var.db_pool_max_per_function)
      BILLFLOW_BUCKET              = aws_s3_bucket.documents.id
      BILLFLOW_PLANNING_QUEUE      = module.planning_queue.name
      BILLFLOW_RENDER_QUEUE        = module.render_queue.name
      BILLFLOW_WEBHOOKS_QUEUE      = module.webhooks_queue.name
      BILLFLOW_MAX_RECEIVES        = tostring(var.max_receive_count)
      BILLFLOW_LOG_LEVEL           = var.log_level
      BILLFLOW_COMPANY_NAME        = var.company.name
      BILLFLOW_COMPANY_ADDRESS     = var.company.address
      BILLFLOW_COMPANY_TAX_ID      = var.company.tax_id
      BILLFLOW_PAYMENT_TERMS_DAYS  = tostring(var.company.payment_terms_days)
      # A quarter of the function's timeout: the chunk in flight when the budget runs out ends
      # long before Lambda would cut it off.
      BILLFLOW_PLANNING_BUDGET_SECONDS = tostring(var.planner_function.timeout_seconds / 4)
    }
  }

  invoice_objects_arn = "${aws_s3_bucket.documents.arn}/${local.invoice_prefix}*"
  expense_objects_arn = "${aws_s3_bucket.documents.arn}/${local.expense_prefix}*"
  upload_objects_arn  = "${aws_s3_bucket.documents.arn}/${local.upload_prefix}*"

  # What consuming a queue through a Lambda event source mapping (and the local poller) needs.
  consume_actions = [
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
  ]
}

# --- IAM: one policy per service ------------------------------------------------------------
# Queue URLs are resolved by name at start-up (billflow.platform.runtime.queue_url), hence
# sqs:GetQueueUrl on each queue a service names. The outbox relays in the API, the pdf-worker, the
# emailer, the extractor and the planner publish with SendMessageBatch, which IAM authorises as sqs:SendMessage; where each
# message type goes is billflow.platform.routing.outbox_routes.

data "aws_iam_policy_document" "api" {
  # RenderInvoice, ExtractExpense, SendMonthlyStatements (POST /v1/statements) and PlanBillingRun;
  # the webhook events the database records in the API's transactions (webhook.dispatch.v1).
  statement {
    sid     = "SendCommands"
    actions = ["sqs:SendMessage"]
    resources = [
      module.render_queue.arn,
      module.expense_queue.arn,
      module.statements_queue.arn,
      module.webhooks_queue.arn,
      module.planning_queue.arn,
    ]
  }

  statement {
    sid     = "ResolveQueueUrls"
    actions = ["sqs:GetQueueUrl"]
    resources = [
      module.render_queue.arn,
      module.delivery_queue.arn,
      module.expense_queue.arn,
      module.statements_queue.arn,
      module.webhooks_queue.arn,
      module.planning_queue.arn,
    ]
  }

  # Pre-signed download URLs carry the signer's permissions: GetObject on invoices/ and expenses/.
  statement {
    sid       = "ReadInvoicePdfs"
    actions   = ["s3:GetObject"]
    resources = [local.invoice_objects_arn]
  }

  # POST /v1/expenses files the upload before committing its row; the download link is pre-signed.
  statement {
    sid       = "WriteAndReadExpenseDocuments"
    actions   = ["s3:PutObject", "s3:GetObject"]
    resources = [local.expense_objects_arn]
  }

  # POST /v1/expenses/uploads pre-signs a POST policy for one key under uploads/: the browser's
  # upload carries these permissions (PutObject); the download link of such an expense, GetObject.
  statement {
    sid       = "PresignDirectUploads"
    actions   = ["s3:PutObject", "s3:GetObject"]
    resources = [local.upload_objects_arn]
  }

  statement {
    sid       = "ReadOwnSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.api.arn, local.database_secret_arn]
  }
}

data "aws_iam_policy_document" "pdf_worker" {
  statement {
    sid       = "ConsumeRender"
    actions   = local.consume_actions
    resources = [module.render_queue.arn]
  }

  statement {
    sid       = "SendToDeliveryAndWebhooks"
    actions   = ["sqs:SendMessage"]
    resources = [module.delivery_queue.arn, module.webhooks_queue.arn]
  }

  statement {
    sid       = "ResolveQueueUrls"
    actions   = ["sqs:GetQueueUrl"]
    resources = [module.render_queue.arn, module.delivery_queue.arn, module.webhooks_queue.arn]
  }

  statement {
    sid       = "WriteInvoicePdfs"
    actions   = ["s3:PutObject"]
    resources = [local.invoice_objects_arn]
  }

  statement {
    sid       = "ReadOwnSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [local.database_secret_arn]
  }
}

data "aws_iam_policy_document" "emailer" {
  statement {
    sid       = "ConsumeDeliveryAndStatements"
    actions   = local.consume_actions
    resources = [module.delivery_queue.arn, module.statements_queue.arn]
  }

  # A month's statements and a day's reminders are fanned out to one message per recipient on
  # the delivery queue, through the emailer's outbox.
  statement {
    sid       = "FanOutToDelivery"
    actions   = ["sqs:SendMessage"]
    resources = [module.delivery_queue.arn]
  }

  # The "sent" webhook events the database records in the emailer's transactions.
  statement {
    sid       = "SendToWebhooks"
    actions   = ["sqs:SendMessage"]
    resources = [module.webhooks_queue.arn]
  }

  statement {
    sid       = "ResolveQueueUrls"
    actions   = ["sqs:GetQueueUrl"]
    resources = [module.delivery_queue.arn, module.statements_queue.arn, module.webhooks_queue.arn]
  }

  statement {
    sid       = "ReadInvoicePdfs"
    actions   = ["s3:GetObject"]
    resources = [local.invoice_objects_arn]
  }

  statement {
    sid       = "ReadOwnSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.emailer.arn, local.database_secret_arn]
  }
}

data "aws_iam_policy_document" "extractor" {
  statement {
    sid       = "ConsumeExpensesAndUploads"
    actions   = local.consume_actions
    resources = [module.expense_queue.arn, module.upload_queue.arn]
  }

  # NotifyExpense shares the delivery queue with DeliverInvoice (docs/decisions/0030); the
  # expense.extracted webhook events go to the webhooks queue.
  statement {
    sid       = "SendToDeliveryAndWebhooks"
    actions   = ["sqs:SendMessage"]
    resources = [module.delivery_queue.arn, module.webhooks_queue.arn]
  }

  statement {
    sid       = "ResolveQueueUrls"
    actions   = ["sqs:GetQueueUrl"]
    resources = [module.expense_queue.arn, module.upload_queue.arn, module.delivery_queue.arn, module.webhooks_queue.arn]
  }

  statement {
    sid       = "ReadExpenseDocuments"
    actions   = ["s3:GetObject"]
    resources = [local.expense_objects_arn, local.upload_objects_arn]
  }

  # The sweep of abandoned uploads asks whether a direct upload's file is there (HeadObject):
  # without ListBucket, S3 answers a missing key with 403, not 404, and the sweep could not tell
  # "never uploaded" from "not allowed". It reveals key names (ids and months), never contents.
  statement {
    sid       = "TellMissingUploads"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.documents.arn]
  }

  # The document goes to Textract as bytes, so Textract itself reads nothing from S3.
  # AnalyzeExpense has no resource-level permissions: "*" is the only resource it accepts; the
  # condition holds it to this deployment's region.
  statement {
    sid       = "AnalyzeExpenses"
    actions   = ["textract:AnalyzeExpense"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [var.region]
    }
  }

  statement {
    sid       = "ReadOwnSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [local.database_secret_arn]
  }
}

data "aws_iam_policy_document" "webhooks" {
  statement {
    sid       = "ConsumeWebhooks"
    actions   = local.consume_actions
    resources = [module.webhooks_queue.arn]
  }

  statement {
    sid       = "ResolveQueueUrls"
    actions   = ["sqs:GetQueueUrl"]
    resources = [module.webhooks_queue.arn]
  }

  statement {
    sid       = "ReadOwnSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [local.database_secret_arn]
  }
}

data "aws_iam_policy_document" "planner" {
  statement {
    sid       = "ConsumePlanning"
    actions   = local.consume_actions
    resources = [module.planning_queue.arn]
  }

  # RenderInvoice of each issued invoice; PlanBillingRun to go on after its time budget.
  statement {
    sid       = "SendRendersAndContinuations"
    actions   = ["sqs:SendMessage"]
    resources = [module.render_queue.arn, module.planning_queue.arn]
  }

  # The "issued" webhook events the database records in the planner's transactions.
  statement {
    sid       = "SendToWebhooks"
    actions   = ["sqs:SendMessage"]
    resources = [module.webhooks_queue.arn]
  }

  statement {
    sid       = "ResolveQueueUrls"
    actions   = ["sqs:GetQueueUrl"]
    resources = [module.planning_queue.arn, module.render_queue.arn, module.webhooks_queue.arn]
  }

  statement {
    sid       = "ReadOwnSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [local.database_secret_arn]
  }
}

# --- the functions ----------------------------------------------------------------------------

module "api" {
  source = "./modules/function"

  name                 = "${local.name}-api"
  description          = "Billflow REST API behind API Gateway"
  image_uri            = "${aws_ecr_repository.service["api"].repository_url}:${var.image_tag}"
  architecture         = var.lambda_architecture
  entry_point          = local.lambda_entry_point
  command              = [local.lambda_handlers.api]
  memory_mb            = var.api_function.memory_mb
  timeout_seconds      = var.api_function.timeout_seconds
  reserved_concurrency = var.api_function.reserved_concurrency
  environment          = local.function_environment.api
  policy_json          = data.aws_iam_policy_document.api.json
  kms_key_arn          = aws_kms_key.main.arn
  log_retention_days   = var.log_retention_days
  subnet_ids           = local.function_subnet_ids
  security_group_ids   = local.function_security_group_ids
}

module "pdf_worker" {
  source = "./modules/function"

  name                 = "${local.name}-pdf-worker"
  description          = "Billflow pdf-worker: render queue -> PDF (Chromium) -> S3"
  image_uri            = "${aws_ecr_repository.service["pdf_worker"].repository_url}:${var.image_tag}"
  architecture         = var.lambda_architecture
  entry_point          = local.lambda_entry_point
  command              = [local.lambda_handlers.pdf_worker]
  memory_mb            = var.pdf_worker_function.memory_mb
  timeout_seconds      = var.pdf_worker_function.timeout_seconds
  reserved_concurrency = var.pdf_worker_function.reserved_concurrency
  environment          = local.function_environment.pdf_worker
  policy_json          = data.aws_iam_policy_document.pdf_worker.json
  kms_key_arn          = aws_kms_key.main.arn
  log_retention_days   = var.log_retention_days
  subnet_ids           = local.function_subnet_ids
  security_group_ids   = local.function_security_group_ids

  queue = {
    arn                 = module.render_queue.arn
    batch_size          = var.pdf_worker_function.batch_size
    maximum_concurrency = var.pdf_worker_function.reserved_concurrency
  }
}

module "emailer" {
  source = "./modules/function"

  name                 = "${local.name}-emailer"
  description          = "Billflow emailer: delivery queue -> PDF from S3 -> email through SES SMTP"
  image_uri            = "${aws_ecr_repository.service["emailer"].repository_url}:${var.image_tag}"
  architecture         = var.lambda_architecture
  entry_point          = local.lambda_entry_point
  command              = [local.lambda_handlers.emailer]
  memory_mb            = var.emailer_function.memory_mb
  timeout_seconds      = var.emailer_function.timeout_seconds
  reserved_concurrency = var.emailer_function.reserved_concurrency
  environment          = local.function_environment.emailer
  policy_json          = data.aws_iam_policy_document.emailer.json
  kms_key_arn          = aws_kms_key.main.arn
  log_retention_days   = var.log_retention_days
  subnet_ids           = local.function_subnet_ids
  security_group_ids   = local.function_security_group_ids

  # Two of the reserved instances are left to the statements queue's mapping below, so the two
  # mappings together never exceed the function's reserved concurrency.
  queue = {
    arn                 = module.delivery_queue.arn
    batch_size          = var.emailer_function.batch_size
    maximum_concurrency = var.emailer_function.reserved_concurrency - 2
  }
}

# The emailer's second queue: statement and reminder requests (the schedules, POST
# /v1/statements). The same handler takes them (it dispatches on the message type), one request
# per invocation, each fanned out to one message per recipient on the delivery queue; the module
# holds one mapping, so this one is written out here.
resource "aws_lambda_event_source_mapping" "emailer_statements" {
  event_source_arn = module.statements_queue.arn
  function_name    = module.emailer.function_arn
  batch_size       = 1
  # The handler returns batchItemFailures, like every worker's mapping in modules/function.
  function_response_types = ["ReportBatchItemFailures"]

  scaling_config {
    # AWS's minimum; with the delivery mapping's reserved_concurrency - 2, exactly the reserved concurrency.
    maximum_concurrency = 2
  }
}

module "extractor" {
  source = "./modules/function"

  name                 = "${local.name}-extractor"
  description          = "Billflow extractor: expense queue -> document from S3 -> Textract AnalyzeExpense"
  image_uri            = "${aws_ecr_repository.service["extractor"].repository_url}:${var.image_tag}"
  architecture         = var.lambda_architecture
  entry_point          = local.lambda_entry_point
  command              = [local.lambda_handlers.extractor]
  memory_mb            = var.extractor_function.memory_mb
  timeout_seconds      = var.extractor_function.timeout_seconds
  reserved_concurrency = var.extractor_function.reserved_concurrency
  environment          = local.function_environment.extractor
  policy_json          = data.aws_iam_policy_document.extractor.json
  kms_key_arn          = aws_kms_key.main.arn
  log_retention_days   = var.log_retention_days
  subnet_ids           = local.function_subnet_ids
  security_group_ids   = local.function_security_group_ids

  queue = {
    arn                 = module.expense_queue.arn
    batch_size          = var.extractor_function.batch_size
    maximum_concurrency = var.extractor_function.reserved_concurrency
  }
}

# The webhooks deliverer: the only function that talks to addresses customers choose. It runs in
# the egress subnets (network.tf), whose one route out is the NAT gateway, with a second security
# group allowing HTTPS to anywhere; every other function stays without any route to the internet.
# The code refuses private, loopback, link-local and metadata addresses at send time, so being in
# the VPC gives a customer's URL no way to RDS Proxy or the endpoints (docs/deploy.md, decision 0028).
# In the lean profile it runs outside any VPC, like every function there, and needs no NAT.
module "webhooks" {
  source = "./modules/function"

  name                 = "${local.name}-webhooks"
  description          = "Billflow webhooks: webhooks queue -> signed HTTPS requests to subscribed endpoints"
  image_uri            = "${aws_ecr_repository.service["webhooks"].repository_url}:${var.image_tag}"
  architecture         = var.lambda_architecture
  entry_point          = local.lambda_entry_point
  command              = [local.lambda_handlers.webhooks]
  memory_mb            = var.webhooks_function.memory_mb
  timeout_seconds      = var.webhooks_function.timeout_seconds
  reserved_concurrency = var.webhooks_function.reserved_concurrency
  environment          = local.function_environment.webhooks
  policy_json          = data.aws_iam_policy_document.webhooks.json
  kms_key_arn          = aws_kms_key.main.arn
  log_retention_days   = var.log_retention_days
  subnet_ids           = local.ha ? aws_subnet.egress[*].id : []
  security_group_ids   = local.ha ? [aws_security_group.functions[0].id, aws_security_group.webhooks_egress[0].id] : []

  queue = {
    arn                 = module.webhooks_queue.arn
    batch_size          = var.webhooks_function.batch_size
    maximum_concurrency = var.webhooks_function.reserved_concurrency
  }
}

# The extractor's second queue: S3's notifications of direct uploads. The same function takes
# them (LambdaEntry picks each record's handler by its queue); AWS's minimum concurrency, since
# the expense mapping above may already use the whole reservation at a burst of uploads.
resource "aws_lambda_event_source_mapping" "extractor_uploads" {
  event_source_arn        = module.upload_queue.arn
  function_name           = module.extractor.function_arn
  batch_size              = var.extractor_function.batch_size
  function_response_types = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = 2
  }
}

# The planner is the API's code (billflow.api.planner, decision 0031): the API's image, its own
# handler, queue and policy.
module "planner" {
  source = "./modules/function"

  name                 = "${local.name}-planner"
  description          = "Billflow planner: planning queue -> a billing run's invoices, in chunks"
  image_uri            = "${aws_ecr_repository.service["api"].repository_url}:${var.image_tag}"
  architecture         = var.lambda_architecture
  entry_point          = local.lambda_entry_point
  command              = [local.lambda_handlers.planner]
  memory_mb            = var.planner_function.memory_mb
  timeout_seconds      = var.planner_function.timeout_seconds
  reserved_concurrency = var.planner_function.reserved_concurrency
  environment          = local.function_environment.planner
  policy_json          = data.aws_iam_policy_document.planner.json
  kms_key_arn          = aws_kms_key.main.arn
  log_retention_days   = var.log_retention_days
  subnet_ids           = local.function_subnet_ids
  security_group_ids   = local.function_security_group_ids

  queue = {
    arn                 = module.planning_queue.arn
    batch_size          = var.planner_function.batch_size
    maximum_concurrency = var.planner_function.reserved_concurrency
  }
}
