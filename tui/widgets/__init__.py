"""The widgets the screens are built from: the status bar, a party's panel and the proposal
builder (bound to the negotiation screen's reactive ``view``), the news wire, the trust chart,
and shared text helpers (``common``). Each carries its styles in ``DEFAULT_CSS``; none imports
a screen."""
