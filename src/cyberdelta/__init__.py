"""CyberDelta: Japan's three-pillar cyber-resilience policy for crypto-asset exchanges, in software.

自助 self-help (self-assessment), 共助 mutual help (intelligence sharing) and
公助 public help (industry exercises, TLPT).
"""

__version__ = "0.1.0"
