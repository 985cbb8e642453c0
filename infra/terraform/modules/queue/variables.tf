variable "allowed_s3_bucket_arn" {
  description = "A bucket whose event notifications S3 may send to the queue (none: only Billflow's own senders)."
  type        = string
  default     = null
}

variable "name" {
  description = "Queue name; the dead-letter queue is \"<name>-dlq\"."
  type        = string
}

variable "visibility_timeout_seconds" {
  description = "Visibility timeout: at least 6 x the consuming function's timeout."
  type        = number
}

variable "message_retention_seconds" {
  description = "How long an unconsumed message is kept (default 4 days)."
  type        = number
  default     = 345600
}

variable "max_receive_count" {
  description = "Receives before a message moves to the dead-letter queue."
  type        = number
}

variable "oldest_message_alarm_seconds" {
  description = "Alarm threshold on ApproximateAgeOfOldestMessage."
  type        = number
}

variable "alarm_actions" {
  description = "ARNs notified when an alarm changes state (an SNS topic)."
  type        = list(string)
  default     = []
}
