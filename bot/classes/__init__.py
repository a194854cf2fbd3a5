"""Classes: create, rename, archive; join links and printable QR flyers."""
