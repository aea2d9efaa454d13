"""The Permenpan RB 35/2012 SOP table and BPMN: importing a table (CSV/XLSX) as BPMN
(``table``, ``writer``) and printing a BPMN as the SOP document (``document``). May import
``engine.bpmn``, ``engine.time`` and the kernel.
"""
