"""融合 (Ronghe): one platform for organs' Party building and business work."""
