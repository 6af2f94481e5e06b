-- One database per service, on one PostgreSQL server (wal_level=logical is set on the command line).
CREATE DATABASE booking;
CREATE DATABASE billing;
CREATE DATABASE notifications;
CREATE DATABASE customer_care;
