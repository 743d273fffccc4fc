"""What the clients app tells the apps above it, which it may not import.

`family_left` is sent when a client leaves their family (a hand-over without the family), inside the
hand-over's transaction, before the client's `family` is cleared: `sender` is `Client`, with `client` and
`family`. The contacts app keeps the family's contacts so far serving the client (`plans.receivers`).
"""

from django.dispatch import Signal

family_left = Signal()
