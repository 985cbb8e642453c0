# Inputs of the Billflow deployment. Defaults suit a small company (about 1,000 invoices a month);
# terraform.tfvars.example shows the ones every deployment sets.

# --- where and what ---------------------------------------------------------------------------

variable "region" {
  description = "AWS region for every resource. SES must be available in it (SMTP and the VPC endpoint)."
  type        = string
  default     = "eu-west-1"
}

variable "environment" {
  description = "Environment name (prod, staging...): prefixes resource names so several can share an account."
  type        = string
  default     = "prod"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.environment))
    error_message = "environment: 2-16 characters, lower-case letters, digits and '-', starting with a letter."
  }
}

variable "image_tag" {
  description = "Tag of the four service images in ECR (immutable tags: use the git commit, never 'latest')."
  type        = string
}

variable "lambda_architecture" {
  description = "CPU architecture of the functions and so of the images: x86_64 or arm64 (about 20% cheaper per GB-second)."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.lambda_architecture)
    error_message = "lambda_architecture: x86_64 or arm64."
  }
}

# --- mail -------------------------------------------------------------------------------------

variable "domain" {
  description = "The mail domain verified in SES (invoices are sent from an address in it), e.g. billing.example.com."
  type        = string
}

variable "sender_address" {
  description = "From address of every email, inside var.domain, e.g. invoices@billing.example.com."
  type        = string

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+$", var.sender_address))
    error_message = "sender_address: an email address."
  }
}

variable "sender_name" {
  description = "Display name in the From header."
  type        = string
  default     = "Billflow"
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone of var.domain: when set, the SES DKIM and MAIL FROM records are created in it; when null, add the records printed in the outputs to your DNS by hand."
  type        = string
  default     = null
}

# --- the issuing company (printed on every invoice) --------------------------------------------

variable "company" {
  description = "The issuing company printed on every invoice."
  type = object({
    name               = string
    address            = string
    tax_id             = string
    payment_terms_days = optional(number, 30)
  })
}

variable "admin_email" {
  description = "Email of the first Billflow administrator (created by the API on its first start; the password is generated into the API's secret)."
  type        = string
}

# --- schedule ---------------------------------------------------------------------------------

variable "statement_schedule" {
  description = "EventBridge Scheduler expression for the monthly statement (default: 06:00 on the 1st of every month)."
  type        = string
  default     = "cron(0 6 1 * ? *)"
}

variable "reminder_schedule" {
  description = "EventBridge Scheduler expression for the daily overdue reminders (default: 07:00 every day)."
  type        = string
  default     = "cron(0 7 * * ? *)"
}

variable "upload_sweep_schedule" {
  description = "EventBridge Scheduler expression for the sweep of direct uploads whose file never arrived (default: hourly)."
  type        = string
  default     = "rate(1 hour)"
}

variable "statement_schedule_timezone" {
  description = "IANA time zone the statement schedule is read in."
  type        = string
  default     = "Europe/Brussels"
}

# --- functions --------------------------------------------------------------------------------

variable "api_function" {
  description = "API function: memory (MB), timeout (s; at most 29, the HTTP API's integration limit) and reserved concurrency."
  type = object({
    memory_mb            = optional(number, 512)
    timeout_seconds      = optional(number, 29)
    reserved_concurrency = optional(number, 10)
  })
  default = {}

  validation {
    condition     = var.api_function.timeout_seconds <= 29
    error_message = "api_function.timeout_seconds: API Gateway gives up after 30 s, so at most 29."
  }
}

variable "pdf_worker_function" {
  description = "pdf-worker function: memory (MB; one Chromium with up to a batch of pooled pages open measured about 0.7 GB + 0.1 GB per page, docs/benchmarks.md), timeout (s), reserved concurrency, SQS batch size."
  type = object({
    memory_mb            = optional(number, 2048)
    timeout_seconds      = optional(number, 60)
    reserved_concurrency = optional(number, 4)
    batch_size           = optional(number, 5)
  })
  default = {}
}

variable "emailer_function" {
  description = "emailer function: memory (MB), timeout (s), reserved concurrency, SQS batch size (delivery queue). Two of the reserved instances are kept for the statements queue's mapping."
  type = object({
    memory_mb            = optional(number, 512)
    timeout_seconds      = optional(number, 30)
    reserved_concurrency = optional(number, 4)
    batch_size           = optional(number, 10)
  })
  default = {}

  validation {
    condition     = var.emailer_function.reserved_concurrency >= 4
    error_message = "emailer_function.reserved_concurrency: at least 4, two for each of its queues' mappings (AWS's minimum maximum_concurrency is 2)."
  }
}

variable "extractor_function" {
  description = "extractor function: memory (MB), timeout (s), reserved concurrency, SQS batch size. It calls Textract AnalyzeExpense, whose default quota is a few requests a second: keep the concurrency low."
  type = object({
    memory_mb            = optional(number, 1024)
    timeout_seconds      = optional(number, 120)
    reserved_concurrency = optional(number, 2)
    batch_size           = optional(number, 2)
  })
  default = {}
}

variable "webhooks_function" {
  description = "webhooks deliverer function: memory (MB), timeout (s; each attempt has 10 s), reserved concurrency, SQS batch size. It runs in the egress subnets, the only ones routed to the internet (through the NAT gateway)."
  type = object({
    memory_mb            = optional(number, 256)
    timeout_seconds      = optional(number, 60)
    reserved_concurrency = optional(number, 2)
    batch_size           = optional(number, 5)
  })
  default = {}
}

variable "planner_function" {
  description = "planner function (billing runs, decision 0031): memory (MB), timeout (s; BILLFLOW_PLANNING_BUDGET_SECONDS is kept well under it), reserved concurrency, SQS batch size."
  type = object({
    memory_mb            = optional(number, 512)
    timeout_seconds      = optional(number, 120)
    reserved_concurrency = optional(number, 2)
    batch_size           = optional(number, 1)
  })
  default = {}

  validation {
    condition     = var.planner_function.reserved_concurrency >= 2
    error_message = "planner_function.reserved_concurrency: at least 2 (AWS's minimum maximum_concurrency of a queue mapping)."
  }
}

variable "db_pool_max_per_function" {
  description = "BILLFLOW_DB_POOL_MAX in each function. A Lambda container serves one event at a time, so 2 is plenty; connections at most = sum(reserved concurrency) x (this + 1 for the outbox listener)."
  type        = number
  default     = 2
}

variable "log_level" {
  description = "BILLFLOW_LOG_LEVEL of every function."
  type        = string
  default     = "INFO"
}

variable "log_retention_days" {
  description = "CloudWatch Logs retention for every log group (days; one of the values CloudWatch accepts)."
  type        = number
  default     = 365
}

# --- queues -----------------------------------------------------------------------------------

variable "max_receive_count" {
  description = "Receives before SQS moves a message to its dead-letter queue (redrive maxReceiveCount); also BILLFLOW_MAX_RECEIVES."
  type        = number
  default     = 5
}

variable "oldest_message_alarm_seconds" {
  description = "Alarm when the oldest message in a work queue is older than this (seconds)."
  type        = number
  default     = 900
}

variable "alarm_email" {
  description = "Email subscribed to the alarm topic (confirm the subscription mail); null for none."
  type        = string
  default     = null
}

# --- storage ----------------------------------------------------------------------------------

variable "bucket_name" {
  description = "Name of the documents bucket; null derives a globally unique one from the environment and account."
  type        = string
  default     = null
}

variable "noncurrent_version_days" {
  description = "Days an overwritten or deleted document version is kept before S3 expires it."
  type        = number
  default     = 90
}

variable "archive_after_days" {
  description = "Days after which invoice PDFs move to S3 Glacier Instant Retrieval (still readable at once)."
  type        = number
  default     = 365
}

# --- database ---------------------------------------------------------------------------------

variable "profile" {
  description = "lean: nothing billed by the hour (Aurora Serverless v2 pausing at 0 ACU, functions outside the VPC, no RDS Proxy, no interface endpoints); ha: an always-on RDS instance behind RDS Proxy, functions in private subnets with interface endpoints (docs/decisions/0032)."
  type        = string
  default     = "ha"

  validation {
    condition     = contains(["lean", "ha"], var.profile)
    error_message = "profile: \"lean\" or \"ha\"."
  }
}

variable "lean_db_max_acu" {
  description = "lean: the Aurora Serverless v2 instance's largest size in ACUs (about 2 GiB each); it pauses at 0 when idle."
  type        = number
  default     = 4
}

variable "lean_db_engine_version" {
  description = "lean: the Aurora PostgreSQL version (one that supports a minimum of 0 ACU: 16.3 or later on the 16 line; check the Aurora Serverless v2 capacity page)."
  type        = string
  default     = "16.4"
}

variable "lean_db_seconds_until_auto_pause" {
  description = "lean: seconds without a connection before the database pauses (300 = AWS's minimum); the next connection resumes it in about 15 s."
  type        = number
  default     = 300
}

variable "db_instance_class" {
  description = "RDS instance class of the PostgreSQL 16 instance."
  type        = string
  default     = "db.t4g.micro"
}

variable "db_allocated_storage_gb" {
  description = "Initial gp3 storage (GB); it grows by itself up to db_max_allocated_storage_gb."
  type        = number
  default     = 20
}

variable "db_max_allocated_storage_gb" {
  description = "Upper bound of storage autoscaling (GB)."
  type        = number
  default     = 100
}

variable "db_engine_version" {
  description = "PostgreSQL engine version (major 16; minor upgrades are applied automatically)."
  type        = string
  default     = "16"
}

variable "db_multi_az" {
  description = "Standby in a second availability zone (doubles the instance cost)."
  type        = bool
  default     = false
}

variable "db_backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery)."
  type        = number
  default     = 14
}

variable "db_name" {
  description = "Database name."
  type        = string
  default     = "billflow"
}

variable "db_username" {
  description = "Master user name; its password is generated and kept by RDS in Secrets Manager."
  type        = string
  default     = "billflow"
}

# --- network ----------------------------------------------------------------------------------

variable "vpc_cidr" {
  description = "CIDR of the VPC; /20 subnets are carved from it: private (0, 1), egress for the webhooks deliverer (8, 9) and one public for its NAT gateway (15)."
  type        = string
  default     = "10.40.0.0/16"
}

variable "availability_zones" {
  description = "Zone letters in var.region for the private subnets (one subnet each). RDS needs 2; the SES SMTP endpoint is not offered in every zone, so check it in a new region."
  type        = list(string)
  default     = ["a", "b"]

  validation {
    condition     = length(var.availability_zones) >= 2 && length(var.availability_zones) <= 3
    error_message = "availability_zones: 2 or 3 zone letters."
  }
}

# --- API --------------------------------------------------------------------------------------

variable "api_authorizer" {
  description = "\"cognito\": API Gateway checks a Cognito JWT on every /v1 route but login; \"app\": the gateway passes requests through and the API's own bearer tokens protect them."
  type        = string
  default     = "cognito"

  validation {
    condition     = contains(["cognito", "app"], var.api_authorizer)
    error_message = "api_authorizer: cognito or app."
  }
}

variable "api_throttling" {
  description = "Stage-wide API Gateway throttling: steady requests per second and burst."
  type = object({
    rate_limit  = optional(number, 50)
    burst_limit = optional(number, 100)
  })
  default = {}
}

variable "cors" {
  description = "CORS of the HTTP API. Empty allow_origins turns CORS off (same-origin and non-browser clients only)."
  type = object({
    allow_origins     = optional(list(string), [])
    allow_methods     = optional(list(string), ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
    allow_headers     = optional(list(string), ["authorization", "content-type"])
    expose_headers    = optional(list(string), [])
    max_age_seconds   = optional(number, 600)
    allow_credentials = optional(bool, false)
  })
  default = {}
}
