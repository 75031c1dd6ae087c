"""Fixed vocabularies the policy is written in. Each agency picks among them; the labels are
the product's plain words, the agency's own titles live on its Policy."""

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Agency administrator"
    COORDINATOR = "coordinator", "Program coordinator"
    PEER = "peer", "Peer"
    OFFICER = "officer", "Officer"
    PROVIDER = "provider", "Check-in provider"
    COMMAND = "command", "Command"


class MemberClass(models.TextChoices):
    SWORN = "sworn", "Sworn"
    NON_SWORN = "non_sworn", "Non-sworn"
    RESERVE = "reserve", "Reserve"
    AUXILIARY = "auxiliary", "Auxiliary"
    DETENTION = "detention", "Detention"
    DISPATCHER = "dispatcher", "Dispatcher"
    RETIREE = "retiree", "Retiree"


class StatusFlag(models.TextChoices):
    PROBATIONARY = "probationary", "Probationary"
    IMPROVEMENT_PLAN = "improvement_plan", "On a performance improvement plan"
    ADMINISTRATIVE_LEAVE = "administrative_leave", "On administrative leave"
    POST_SUSPENSION = "post_suspension", "Serving a POST suspension or probation"
    CRIMINAL_INVESTIGATION = "criminal_investigation", "Subject of a criminal investigation"
    PENDING_DISCIPLINE = "pending_discipline", "Pending discipline appealable to the Board"


class ApplicationMethod(models.TextChoices):
    SELECTION = "selection", "Selected by the Chief or the coordinator"
    LETTER = "letter_of_request", "Letter of request to the coordinator"
    CHAIN_OF_COMMAND = (
        "chain_of_command",
        "Written request and letter of recommendation through the chain of command",
    )
    VOLUNTEER = "volunteer", "Volunteer application"


class FieldUse(models.TextChoices):
    """Whether the usage form asks for an optional field (Joplin SOG 2-13 IV.D.2 allows only the
    peer, the date and time, and the type of incident or intervention)."""

    OFF = "off", "Not asked"
    OPTIONAL = "optional", "Asked, may be left empty"
    REQUIRED = "required", "Required"


class Compensation(models.TextChoices):
    NONE = "none", "Unpaid"
    COMP_TIME = "comp_time", "Comp time"
    OVERTIME = "overtime", "Overtime"
    DAYS_OFF = "days_off", "Days off"


class CompensationBasis(models.TextChoices):
    OFF_DUTY_CONTACT = "off_duty_contact", "Contacted while off duty"
    ACTIVATION = "activation", "Activated by the program lead"
    APPROVED_OFF_DUTY_CONSULT = "approved_off_duty_consult", "Off-duty consult the lead approved"
    ANNUAL = "annual", "A fixed allowance each year"


class Rank(models.TextChoices):
    """The one rank order the product compares by, lowest first. A directory's own words for a
    rank ("Sgt.", "Police Officer", "Lt. Col.") are placed on it by agencies/ranks.py."""

    OFFICER = "officer", "Officer"
    CORPORAL = "corporal", "Corporal"
    SERGEANT = "sergeant", "Sergeant"
    LIEUTENANT = "lieutenant", "Lieutenant"
    CAPTAIN = "captain", "Captain"
    MAJOR = "major", "Major"
    DEPUTY_CHIEF = "deputy_chief", "Deputy chief"
    CHIEF = "chief", "Chief"


class ServedGroup(models.TextChoices):
    MEMBERS = "members", "Department members"
    FAMILIES = "families", "Members' families"
    RETIREES = "retirees", "Retirees"
    OTHER_AGENCIES = "other_agencies", "Officers of other agencies"


class ContactMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    VIRTUAL = "virtual", "Virtual"


class ChainStep(models.TextChoices):
    LEAD = "lead", "Program lead"
    COORDINATORS = "coordinators", "Team coordinators"
    TEAM_LEADERS = "team_leaders", "Team leaders"
    PEERS = "peers", "Peers"


class OutreachReason(models.TextChoices):
    ON_DUTY_INJURY = "on_duty_injury", "Injured on duty"
    FMLA = "fmla", "Requested FMLA leave"
    INTERNAL_INVESTIGATION = "internal_investigation", "Involved in an internal investigation"
    ADMINISTRATIVE_LEAVE = "administrative_leave", "Placed on administrative leave"


class TeamRoleKind(models.TextChoices):
    LEAD = "lead", "Program lead"
    COORDINATOR = "coordinator", "Coordinator"
    TEAM_LEADER = "team_leader", "Team leader"
    PEER = "peer", "Peer"
    CLINICAL = "clinical", "Clinical consultant or mental health professional"
    PSYCHOLOGIST = "psychologist", "Psychologist"
    CHAPLAIN = "chaplain", "Chaplain"
    COMMITTEE = "committee", "Advisory committee"
    APPROVER = "approver", "Approving authority"


class ResourceKind(models.TextChoices):
    EAP = "eap", "Employee assistance"
    CLINICAL = "clinical", "Clinical contact"
    HOTLINE = "hotline", "Hotline"
    APP = "app", "App"
    WEBSITE = "website", "Website"
    OTHER = "other", "Other"
