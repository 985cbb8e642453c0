variable "name" {
  description = "Function name (also the role's and the log group's)."
  type        = string
}

variable "description" {
  description = "What the function does."
  type        = string
}

variable "image_uri" {
  description = "ECR image URI with its tag."
  type        = string
}

variable "architecture" {
  description = "x86_64 or arm64; must match the image."
  type        = string
}

variable "entry_point" {
  description = "Image ENTRYPOINT override: the Lambda runtime interface client."
  type        = list(string)
}

variable "command" {
  description = "Image CMD override: the Lambda handler (module.function)."
  type        = list(string)
}

variable "memory_mb" {
  description = "Memory (MB); CPU is allocated in proportion."
  type        = number
}

variable "timeout_seconds" {
  description = "Function timeout (s)."
  type        = number
}

variable "reserved_concurrency" {
  description = "Reserved concurrency: the most instances that can run at once."
  type        = number
}

variable "environment" {
  description = "Environment variables: names the code reads (shared/platform settings.py), no secret values."
  type        = map(string)
}

variable "policy_json" {
  description = "The service's own IAM policy (queues, bucket prefix, secrets)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for the environment and the log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the function's log group."
  type        = number
}

variable "subnet_ids" {
  description = "Private subnets the function runs in."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security groups of the function's network interfaces."
  type        = list(string)
}

variable "queue" {
  description = "For a worker: the SQS queue it consumes and how (null for the API)."
  type = object({
    arn                     = string
    batch_size              = number
    maximum_concurrency     = number
    batching_window_seconds = optional(number, 0)
  })
  default = null

  validation {
    condition     = var.queue == null || (try(var.queue.batch_size, 1) <= 10 && try(var.queue.maximum_concurrency, 2) >= 2)
    error_message = "queue: batch_size at most 10 (more needs a batching window) and maximum_concurrency at least 2 (AWS's minimum)."
  }
}
