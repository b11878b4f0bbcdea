"""Hand-labelled pairs from the seed article (data/seed/mee-assad-shoigu-damascus.txt), content only.

Same tuple layout as pairs_fnc1.py; origins are "seed". All go to the test split.
"""

C, E, N = "contradiction", "entailment", "neutral"

CLUSTERS = {
    ("test", "seed_shoigu_damascus"): [
        ("Russian warplanes carried out raids in Al-Tanaf targeting a meeting of combatants supported by the US-led coalition that was held to coordinate the fight against IS militants in Syria and Iraq",
         "it had not carried out any strikes targeting opposition forces included in the ceasefire that excludes IS, without mentioning Al-Tanaf",
         C, "seed", "seed", "F", "F"),
        ("Russian warplanes targeted combatants supported by US-led coalition in fight against IS militants",
         "it had not carried out any strikes targeting opposition forces included in the ceasefire that excludes IS",
         C, "seed", "seed", "F", "T"),
        ("The talks focused on military cooperation between the two countries and joint action to fight against terrorist organisations on Syrian soil",
         "the discussions concerned current questions of military and technical cooperation ... as well as certain aspects of the cooperation in the fight against terrorist groups operating in Syria",
         N, "seed", "seed", "F", "F"),
        ("US military officials expressed strong concerns about the attack on the coalition-supported counter-ISIL forces at the Al-Tanaf garrison",
         "it had not carried out any strikes targeting opposition forces included in the ceasefire that excludes IS",
         N, "seed", "seed", "T", "T"),
        ("creating a new government is key to ending the five-year conflict",
         "it would be unrealistic to expect that such a cabinet would effectively take over power from Assad", N, "seed", "seed", "F", "F"),
        ("some in the Syrian opposition could join the cabinet to help advance the stalled peace process",
         "Putin rejected any role for the opposition in the Syrian government", C, "seed", "seed", "F", "R"),
        ("Russian Defence Minister Sergei Shoigu met in Damascus on Saturday with Syrian President Bashar al-Assad",
         "Shoigu was the highest-ranking Russian official to travel to Syria since the conflict erupted five years ago", N, "seed", "seed", "T", "R"),
        ("The Syrians belonged to the New Syrian Army, trained by the British and the Americans in a coalition camp in Jordan",
         "the New Syrian Army fighters had been trained by the British and the Americans", E, "seed", "seed", "V", "R"),
        ("A US-Russian brokered ceasefire that began on 27 February has helped reduce hostilities.",
         "hostilities have increased since the ceasefire began on 27 February", C, "seed", "seed", "V", "R"),
        ("The Islamic State (IS) group and the al-Qaeda branch in Syria, the Nusra Front, are excluded from the truce.",
         "the Nusra Front is covered by the ceasefire", C, "seed", "seed", "V", "R"),
        ("those concerns would be addressed through ongoing diplomatic discussions on the cessation of hostilities",
         "Pentagon officials in a video conference with Russian counterparts had voiced strong concerns over Moscow's alleged bombing of US-backed forces in southern Syria",
         N, "seed", "seed", "F", "F"),
    ],
}
