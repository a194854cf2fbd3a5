"""Infrastructure every capability uses: settings, database, migrations, clock, caches, i18n, schools."""
