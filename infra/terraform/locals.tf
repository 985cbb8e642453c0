locals {
  name       = "billflow-${var.environment}"
  lean       = var.profile == "lean" # docs/decisions/0032: no compute billed by the hour
  ha         = !local.lean
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  azs        = sort(data.aws_availability_zones.selected.names)

  # The code's default bucket name (StorageSettings) with the environment and account inserted:
  # bucket names are global, so the plain default is surely taken.
  default_bucket_name = "billflow-${var.environment}-documents-${local.account_id}"
  bucket_name         = coalesce(var.bucket_name, local.default_bucket_name)

  # Queue names: the code's defaults (QueueSettings in shared/platform settings.py) with the
  # environment in front, passed to the functions by name (BILLFLOW_RENDER_QUEUE...). The contract
  # test in tests/infra reads these.
  queue_names = {
    render     = "billflow-${var.environment}-render"
    delivery   = "billflow-${var.environment}-delivery"
    statements = "billflow-${var.environment}-statements"
    expense    = "billflow-${var.environment}-expenses"
    webhooks   = "billflow-${var.environment}-webhooks"
    upload     = "billflow-${var.environment}-uploads"
    planning   = "billflow-${var.environment}-planning"
  }

  # Invoice PDFs live under this prefix (billflow.domain.billing.pdf_key); every function's S3
  # permission is limited to it.
  invoice_prefix = "invoices/"

  # Uploaded expense documents live under this prefix (billflow.domain.expenses.records):
  # the API writes and pre-signs them, the extractor reads them.
  expense_prefix = "expenses/"

  # Direct uploads land under this prefix (billflow.domain.expenses.expense.UPLOAD_PREFIX): the API
  # pre-signs a POST for one key under it, S3 notifies the upload queue of each object created.
  upload_prefix = "uploads/"

  # Visibility timeout = 6 x the consuming function's timeout (AWS's guidance for Lambda event
  # sources: room for the function's retries and the event source mapping's batching).
  render_visibility_seconds     = 6 * var.pdf_worker_function.timeout_seconds
  delivery_visibility_seconds   = 6 * var.emailer_function.timeout_seconds
  statements_visibility_seconds = 6 * var.emailer_function.timeout_seconds
  expense_visibility_seconds    = 6 * var.extractor_function.timeout_seconds
  webhooks_visibility_seconds   = 6 * var.webhooks_function.timeout_seconds
  upload_visibility_seconds     = 6 * var.extractor_function.timeout_seconds
  planning_visibility_seconds   = 6 * var.planner_function.timeout_seconds

  # A webhook event's message stays on its queue while its deliveries retry for 24 hours (about 15
  # receives), so its redrive allows as many receives as the code's WEBHOOKS_MAX_RECEIVES.
  webhooks_max_receive_count = 100
}
