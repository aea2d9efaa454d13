"""Time in the office's terms: the working-time calendar (Perpres 21/2023 office hours,
national holidays and cuti bersama, Ramadan hours), deadlines in working time, and report
periods. Pure: imports neither the database nor SpiffWorkflow nor any other room.
"""
