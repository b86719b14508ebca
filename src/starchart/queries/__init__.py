"""Chart questions over the chart tables, whatever computed them (the engine) or published
them (Netflix): weeks and lists, titles, leaders, search, slugs. Reads only."""
