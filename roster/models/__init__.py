from .oncall import OnCallShift
from .people import DirectoryImport, Person, SignInLink
from .team import Application, Peer, PeerStatusChange, TrainingMemo, TrainingRecord

__all__ = [
    "Application",
    "DirectoryImport",
    "OnCallShift",
    "Peer",
    "PeerStatusChange",
    "Person",
    "SignInLink",
    "TrainingMemo",
    "TrainingRecord",
]
