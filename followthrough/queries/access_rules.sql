-- Who may open the dashboard once sign-in is configured: the [access] lists of the configuration
-- the file was published with ('email' and 'domain' rows). followthrough/auth.py does the matching.
select kind, value from config.access_rules
