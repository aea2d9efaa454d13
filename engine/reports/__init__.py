"""SOP reports: performance per SOP and step, the bottleneck heatmap, Tabel 7
(Permenpan RB 35/2012) and per-person SKP evidence (PermenPANRB 6/2022), in working
minutes. The top room: may import every other engine room; nothing imports it but ``web``.
"""
