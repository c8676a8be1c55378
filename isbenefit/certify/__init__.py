"""Everything a funder's check rests on: claims, issuing, signing, verification, double claims."""
