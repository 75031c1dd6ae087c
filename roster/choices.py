from django.db import models


class PeerStatus(models.TextChoices):
    APPLICANT = "applicant", "Applicant"
    DECLINED = "declined", "Not selected"
    IN_TRAINING = "in_training", "In training"
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive (by request)"
    WITHDRAWN = "withdrawn", "Withdrawn"
    REMOVED = "removed", "Removed"


class Decision(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"


class TrainingStanding(models.TextChoices):
    NO_CADENCE = "no_cadence", "Ongoing (no set cadence)"
    CURRENT = "current", "Current"
    DUE = "due", "Due soon"
    OVERDUE = "overdue", "Overdue"
